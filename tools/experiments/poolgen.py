#!/usr/bin/env python3
# Generates the scenes of a toy pool (a trainer's `data.pool_file`) with a model: for the first two
# examples of each subject count, the target, the model's image from the pool's prompt, references and
# regions (each subject's box: its correspondence points' target extent plus half a token), and the
# references, in one montage (ImageMagick). the 2026-11-27 memorisation check (docs/results.md):
#   tools/experiments/poolgen.py runs/memorise-pool.safetensors runs/memorise/model.safetensors OUTDIR
# MOSAIC names the CLI (default build/release/app/mosaic).
import json, struct, subprocess, sys, os
pool, model, out = sys.argv[1], sys.argv[2], sys.argv[3]
mosaic = os.environ.get('MOSAIC', 'build/release/app/mosaic')
os.makedirs(out, exist_ok=True)
f = open(pool, 'rb'); n = struct.unpack('<Q', f.read(8))[0]; h = json.loads(f.read(n)); base = 8 + n
prompts = json.loads(h['__metadata__']['prompts'])
def raw(key):
    a, b = h[key]['data_offsets']; f.seek(base + a); return f.read(b - a)
def planar_png(data, c, s, path):
    open(path + '.raw', 'wb').write(data)
    subprocess.run(['convert', '-size', f'{s}x{s}', '-depth', '8', '-interlace', 'plane', f'rgb:{path}.raw', path], check=True)
    os.remove(path + '.raw')
rows = []
for c in range(1, 5):
    T = raw(f'c{c}.targets'); R = raw(f'c{c}.refs'); P = raw(f'c{c}.points'); C = raw(f'c{c}.counts')
    for i in range(2):
        tgt = f'{out}/c{c}_{i}_target.png'; planar_png(T[i*3*128*128:(i+1)*3*128*128], 3, 128, tgt)
        args = [mosaic, '--no-log-file', 'generate', '--model', model, '--prompt', prompts[str(c)][i],
                '--seed', '1', '--out', f'{out}/c{c}_{i}_gen.png']
        refs = []
        for r in range(c):
            k = (i * c + r); ref = f'{out}/c{c}_{i}_ref{r}.png'
            planar_png(R[k*3*64*64:(k+1)*3*64*64], 3, 64, ref); refs.append(ref)
            cnt = struct.unpack('<i', C[k*4:(k+1)*4])[0]
            pts = struct.unpack(f'<{64*4}f', P[k*64*16:(k+1)*64*16])
            xs = [pts[j*4+2] for j in range(cnt)]; ys = [pts[j*4+3] for j in range(cnt)]
            args += ['--ref', ref]
            if not xs: continue
            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
            pad = 1 / 16  # half a 16-px token at 128 px
            x0, y0 = max(0, x0 - pad), max(0, y0 - pad); x1, y1 = min(1, x1 + pad), min(1, y1 + pad)
            args += ['--box', f'{r+1}:{x0:.4f},{y0:.4f},{x1-x0:.4f},{y1-y0:.4f}']
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        rows.append((tgt, f'{out}/c{c}_{i}_gen.png', refs))
        print(c, i, prompts[str(c)][i])
# montage: target | generated | refs
cmd = ['montage']
for t, g, refs in rows:
    cmd += [t, g] + refs + ['null:'] * (4 - len(refs))
cmd += ['-tile', '6x', '-geometry', '128x128+2+2', f'{out}/montage.png']
subprocess.run(cmd, check=True)

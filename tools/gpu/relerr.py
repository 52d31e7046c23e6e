#!/usr/bin/env python3
"""Relative error ||a - b|| / ||b|| between float32 tensors of two safetensors files (standard library
only, so that it runs anywhere): relerr.py OUT.safetensors REF.safetensors NAME[=REFNAME]... [--tol T]
Prints one line per tensor; exits 1 when any exceeds the tolerance (default 1e-5)."""
import json, math, struct, sys
from array import array


def read(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    header.pop('__metadata__', None)
    return header, data


def tensor(file, name):
    header, data = file
    if name not in header:
        raise SystemExit(f'no tensor {name!r}')
    info = header[name]
    if info['dtype'] != 'F32':
        raise SystemExit(f'{name}: {info["dtype"]}, expected F32')
    b, e = info['data_offsets']
    values = array('f')
    values.frombytes(data[b:e])
    if sys.byteorder != 'little':
        values.byteswap()
    return info['shape'], values


def main(argv):
    tol = 1e-5
    if '--tol' in argv:
        i = argv.index('--tol')
        tol = float(argv[i + 1])
        del argv[i:i + 2]
    out, ref = read(argv[0]), read(argv[1])
    worst = 0.0
    for spec in argv[2:]:
        name, _, refname = spec.partition('=')
        sa, a = tensor(out, name)
        sb, b = tensor(ref, refname or name)
        if sa != sb:
            raise SystemExit(f'{name}: shape {sa} vs {sb}')
        num = math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b)))
        den = math.sqrt(sum(y * y for y in b)) or 1.0
        err = num / den
        worst = max(worst, err)
        print(f'{name}: relative error {err:.3e} ({"ok" if err < tol else "ABOVE"} {tol:g})')
    return 0 if worst < tol else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

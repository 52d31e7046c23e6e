// Each command's usage text, in one place: `mosaic COMMAND --help` prints it on standard output (exit
// 0), a command given wrong options prints it on standard error (exit 2).
#include "args.h"

#include <cstring>

namespace cli {

namespace {

const struct
{
    const char *command;
    const char *text;
} kUsages[] = {
    {"inspect",
    "usage: mosaic inspect FILE.safetensors|INDEX.json|FOLDER [--t5 P] [--clip P] [--ae P] [--lora FILE[:SCALE]]...\n"
    "  a file: its tensors, architecture and layout; a FLUX transformer or a model folder (FLUX.1-dev's\n"
    "  diffusers folder, a ComfyUI models folder): also the whole set it belongs to, what was found, in\n"
    "  which layout and precision, what is missing and how to fix it\n"},
    {"synth-model",
    "usage: mosaic synth-model OUT --what transformer|autoencoder|lora|inputs [--layout bfl|diffusers|comfyui|sd|peft]\n"
    "         [--precision f32|bf16|f16|fp8-e4m3|fp8-e5m2|fp8-e4m3-scaled] [--hidden 64] [--heads 2] [--double 1]\n"
    "         [--single 1] [--context 32] [--vec 32] [--schnell] [--shards N] [--rank 4] [--base-model NAME] [--seed K]\n"
    "         [--size 512 --txt-tokens 512 (inputs: one step's transformer inputs for mosaic forward)]\n"
    "  a model file with random weights in the layout of real ones (for tests and memory measurements);\n"
    "  FLUX.1-dev's widths: --hidden 3072 --heads 24 --context 4096 --vec 768\n"},
    {"set-defaults",
    "usage: mosaic set-defaults BUNDLE [--cfg S] [--ref-cfg S] [--collage S] [--size N] [--out OUT]\n"
    "  the default guidance scales (1-100; 1 is off), reference collage (0 to below 1; 0 is off)\n"
    "  and image size (a multiple of 16) of a bundle, in place unless --out\n"},
    {"forward",
    "usage: mosaic forward --model WEIGHTS --inputs IO.safetensors --out OUT.safetensors "
    "[--component transformer|ae-encode|ae-decode] [--dtype f32|bf16] [--device cpu|cuda|auto]\n"
    "         [--max-memory SIZE] [--refs N [--lora FILE]] [--time N]\n"
    "  the transformer keeps its weights as stored (bf16, fp8) and streams blocks beyond --max-memory; --refs\n"
    "  adds N random references through MOSAIC's branch path (with the LoRA on their rows); --time N runs the\n"
    "  pass N more times and reports the best time and the peak memory\n"},
    {"generate",
    "usage: mosaic generate [--model BUNDLE|FOLDER|FILE] --prompt TEXT [--ref FILE [--name NAME]]... [--negative TEXT]\n"
    "         [--box I:X,Y,W,H] [--mask I:FILE] [--point I:RX,RY:TX,TY] [--seed N] [--steps N] [--guidance G]\n"
    "         [--cfg S] [--ref-cfg S] [--size N|WxH] [--region-strength S] [--lora FILE[:SCALE]]... [--lora-scale S]\n"
    "         --out OUT.png [--maps DIR] [--init IMAGE [--strength S]] [--collage S] [--auto-layout]\n"
    "         [--t5 P] [--clip P] [--ae P] [--t5-tokenizer P] [--clip-tokenizer P] [--device auto|cpu|cuda[:N]]\n"
    "         [--max-memory SIZE | --max-vram SIZE] [--dtype auto|f32|bf16] [--text-dtype f32|bf16]\n"
    "         [--latents FILE.safetensors] [--estimate]\n"
    "  --model: a MOSAIC bundle, FLUX.1-dev's folder, a transformer file (flux1-dev.safetensors) with its\n"
    "  autoencoder and encoders beside it or in ComfyUI's folders, or a ComfyUI models folder; --t5, --clip\n"
    "  and --ae override what is found. --device: where a model set's transformer and autoencoder run (auto:\n"
    "  the first GPU LibTorch sees, else the CPU; T5 and CLIP encode on the CPU). --max-memory (e.g. 12G), or\n"
    "  --max-vram on a GPU: the transformer's weights stay within it on that device, streaming the blocks\n"
    "  that do not fit (from the mapped file, or to the GPU from pinned host memory). --latents: the initial noise (tensor \"latents\", packed\n"
    "  [1, tokens, 64] as diffusers' FluxPipeline takes it) instead of the seed's. A run that would take more\n"
    "  than three minutes here, or would not fit in memory, is announced first; --estimate only says so.\n"
    "  I is the 1-based subject number. Box values are fractions of the canvas (0-1) when all are <= 1,\n"
    "  pixels otherwise. Point coordinates are fractions of the prepared reference and of the canvas.\n"
    "  --init starts from IMAGE (stretched to the canvas) noised to --strength (0-1, default 0.6): lower\n"
    "  keeps more of it, 1 ignores it.\n"
    "  --cfg: classifier-free guidance on the prompt against --negative; --ref-cfg: guidance on the\n"
    "  references (one more pass without them). 1 turns either off; unset, the model's defaults apply.\n"
    "  --collage S (0 to below 1): paste each reference, cut from its white ground, into its box or mask\n"
    "  (without one: where its attention landed) in a first image, then redraw that at strength S; lower\n"
    "  keeps more of the paste, 0 turns it off; unset, the model's default applies.\n"
    "  --auto-layout: subjects without --box or --mask get a box from the prompt's position words\n"
    "  (\"Pip on the left\" places the subject named Pip; unplaced ones are spread over the rest).\n"
    "  Without --model the bundled MOSAIC-Toys model is used ($MOSAIC_MODEL overrides where it is found).\n"},
    {"synth",
    "usage: mosaic synth --count N [--subjects 1-6] [--size 256] [--ref-size 256]"
    " [--split train|test] [--seed K] [--scale MIN,MAX] [--aligned K] --out DIR\n"},
    {"dataset",
    "usage: mosaic dataset validate DIR\n"
    "       mosaic dataset import-semalign --source DIR --index INDEX.jsonl --out DIR\n"
    "       mosaic dataset suggest DIR --method region|features|model [--min-confidence C] [--grid N]\n"
    "                              [--model BUNDLE] [--noise T] [--seed K]\n"
    "       mosaic dataset stats DIR\n"},
    {"dataset suggest",
    "usage: mosaic dataset suggest DIR --method region|features|model [--min-confidence C]"
    " [--grid N] [--model BUNDLE] [--noise T] [--seed K] [--max-pairs N]\n"},
    {"dataset import-semalign",
    "usage: mosaic dataset import-semalign --source DIR --index INDEX.jsonl --out DIR"
    " [--grid 32]\n"},
    {"train",
    "usage: mosaic train [--recipe] FILE [--out DIR] [--steps N] [--seconds S] [--resume] [--device cpu|cuda|auto]\n"
    "                    [--batch N] [--nproc N] [--timeout S] [--pool-only] [--pool N]\n"
    "  --batch N: examples per step and process (overrides the recipe's \"batch\")\n"
    "  --nproc N: train data-parallel in N processes on this machine (each takes the machine's cores / N\n"
    "  threads unless --threads is given); launched by torchrun or srun, each worker reads RANK,\n"
    "  WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT (Slurm: SLURM_PROCID, SLURM_NTASKS) instead\n"
    "  --timeout S: how long a rank waits for the others before it stops and names the lost one (300)\n"},
    {"eval",
    "usage: mosaic eval [--model BUNDLE | --variants NAME=BUNDLE,NAME=BUNDLE...] [--data DATASET_DIR]\n"
    "                   --report DIR [--samples 16] [--subjects 1,2,3,4] [--distractors 8] [--steps N] [--seed K]\n"
    "                   [--scale MIN,MAX] [--aligned K] [--cfg S] [--ref-cfg S] [--collage S] [--size N]\n"
    "                   [--from-truth S] [--auto-layout]\n"
    "  --from-truth S: start every sample from its ground truth noised to strength S (0-1; image to\n"
    "  image), a diagnostic of the noise level at which the subjects are lost\n"
    "  --cfg, --ref-cfg: guidance scales (1: off); --collage: the reference collage (0: off); unset, each\n"
    "  model's defaults apply\n"
    "  --size N: render the targets and generate at N x N pixels (default: each model's size)\n"
    "  --auto-layout: one more condition, boxes planned from the prompt's position words\n"},
    {"encode",
    "usage: mosaic encode --t5 DIR --clip DIR --prompt TEXT --out FILE.safetensors [--t5-tokenizer DIR]\n"
    "                     [--clip-tokenizer DIR] [--max-t5-tokens 512] [--dtype f32|bf16]\n"
    "  DIR: a folder with config.json and model.safetensors (or shards), or one .safetensors file (ComfyUI's\n"
    "  t5xxl_*.safetensors, clip_l.safetensors). Tokenizers: the encoder's folder, its diffusers sibling\n"
    "  (tokenizer_2/, tokenizer/), else the ones installed with the app.\n"
    "  Writes t5_ids [512], clip_ids [77] (I64), t5_hidden [512, d], clip_hidden [77, h], clip_pooled [h] (F32).\n"},
    {"bench",
    "usage: mosaic bench transformer [--hidden 3072] [--heads 24] [--double 1] [--single 1]"
    " [--tokens 1024] [--txt-tokens 512] [--iters 2] [--dtype f32|bf16|both]\n"
    "       mosaic bench generate [--model BUNDLE | --hidden 256 --heads 4 --double 4"
    " --single 4 --size 256] [--refs 1,2,4,6] [--steps N]\n"
    "       mosaic bench cancel [--model BUNDLE] [--sizes 256,512] [--cancels 15] [--steps N]\n"
    "  cancel: how long a cancel takes to stop a run (median and worst ms), at moments spread over the\n"
    "  run and over the autoencoder's decode\n"
    "       mosaic bench load PATH [--dtype bf16|f32 (bf16 where the CPU has it)] [--max-memory SIZE [--streamed-only]] [--tokens 256] [--txt-tokens 64]\n"
    "  load: seconds and peak resident memory against the bytes that stay resident; with --max-memory, one\n"
    "  forward pass streamed under it (peak against budget plus one block) compared with a resident one\n"
    "       mosaic bench generate --busy 0,1,2 [--model BUNDLE]\n"
    "  generate --busy: one image beside N busy processes, with every core and with the threads a run picks\n"
    "       mosaic bench decode [--sizes 512,1024] [--ch 128] [--band-mb 16] [--banded-only]\n"
    "  decode: the autoencoder's decoder at FLUX's widths, whole and in bands of rows (as above 1024x1024):\n"
    "  seconds, peak memory and the difference between the two images\n"
    "       mosaic bench encode [--layers 2] [--prompts 4]\n"
    "  encode: prompts per second through T5 and CLIP (tiny, and at T5-XXL/CLIP-L widths with few layers),\n"
    "  float32 and bfloat16, and the prompt cache's hit times\n"
    "       mosaic bench train [--nproc 1,2] [--steps 12] [--batch 4] [--recipe FILE] [--device cpu|cuda]\n"
    "  train: examples per second of data-parallel training in 1, 2, ... processes (threads per process:\n"
    "  the global --threads, else 1; on CUDA one GPU each) and the scaling efficiency against one\n"},
};

} // namespace

const char *commandUsage(const std::string &command)
{
    for (const auto &u : kUsages)
        if (command == u.command)
            return u.text;
    return nullptr;
}

void printUsage(const std::string &command, std::FILE *to)
{
    if (const char *text = commandUsage(command))
        std::fputs(text, to);
}

} // namespace cli

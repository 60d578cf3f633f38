"""Renders every FSDD recording as the tutorial does (matplotlib PNG) into an ImageFolder tree:
ROOT/{train,validation}/{digit}/{name}.png, validation being index 0-4 of each speaker and digit.
Prints one JSON line with the file count and seconds."""
import argparse
import json
import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from scipy.io import wavfile  # noqa: E402
from seed_render import draw_spectrogram_png  # noqa: E402


def one(job):
    wav, png = job
    _rate, samples = wavfile.read(wav)
    draw_spectrogram_png(samples, png)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--recordings", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    jobs = []
    for name in sorted(os.listdir(args.recordings)):
        if not name.endswith(".wav"):
            continue
        digit, _speaker, index = name[:-4].split("_")
        split = "validation" if int(index) < 5 else "train"
        folder = os.path.join(args.out, split, digit)
        os.makedirs(folder, exist_ok=True)
        jobs.append((os.path.join(args.recordings, name), os.path.join(folder, name[:-4] + ".png")))
    t0 = time.perf_counter()
    with mp.Pool(args.workers) as pool:
        pool.map(one, jobs, chunksize=16)
    print(json.dumps({"files": len(jobs), "seconds": time.perf_counter() - t0}))


if __name__ == "__main__":
    main()

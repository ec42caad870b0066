#!/usr/bin/env python3
"""A long recording of spoken digits separated by silences, for `audio-tagger tag` (make demo).

Takes clips written by `audio-tagger collect` (DIR/<word>/<voice>_<k>.wav, 16-bit mono WAV) and
joins the words of SEQUENCE, each followed by GAP seconds of silence, into one WAV. Prints the
sequence it wrote. Python's standard library only.

usage: digit_sequence.py DIR "4 0 7 1 9" OUT.wav [--voice espeak-en-us-klatt3] [--gap 0.8]
"""
import argparse
import os
import sys
import wave

WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("folder")
    p.add_argument("sequence", help="digits or words separated by spaces")
    p.add_argument("out")
    p.add_argument("--voice", default=None, help="speaker prefix of the clips to use (default: the first found)")
    p.add_argument("--gap", type=float, default=0.8, help="seconds of silence after each word (and before the first)")
    a = p.parse_args()
    frames, rate = [], None
    for token in a.sequence.split():
        word = WORDS[int(token)] if token.isdigit() and len(token) == 1 else token
        folder = os.path.join(a.folder, word)
        if not os.path.isdir(folder):
            sys.exit(f"{folder}: no such class folder (run audio-tagger collect first)")
        names = sorted(n for n in os.listdir(folder) if n.endswith(".wav") and (a.voice is None or n.startswith(a.voice + "_")))
        if not names:
            sys.exit(f"{folder}: no clips{' of ' + a.voice if a.voice else ''}")
        with wave.open(os.path.join(folder, names[0])) as w:
            if w.getnchannels() != 1 or w.getsampwidth() != 2:
                sys.exit(f"{names[0]}: expected 16-bit mono WAV")
            if rate is None:
                rate = w.getframerate()
                frames.append(b"\0\0" * int(a.gap * rate))
            elif w.getframerate() != rate:
                sys.exit(f"{names[0]}: sample rate {w.getframerate()}, expected {rate}")
            frames.append(w.readframes(w.getnframes()))
        frames.append(b"\0\0" * int(a.gap * rate))
    tmp = a.out + ".tmp"
    with wave.open(tmp, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(frames))
    os.replace(tmp, a.out)
    print(" ".join(WORDS[int(t)] if t.isdigit() and len(t) == 1 else t for t in a.sequence.split()))


if __name__ == "__main__":
    main()

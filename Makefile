SHELL := /bin/bash
# DeepMedia: `make test` installs what is missing, builds and runs the whole suite; `make demo`
# runs the bundled models (digits, Shakespeare) on sample inputs and says where the pictures are.

APT_PACKAGES := pkg-config libopenblas-dev libavcodec-dev libavformat-dev libavutil-dev libswscale-dev \
                libswresample-dev libsndfile1-dev libjpeg-dev zlib1g-dev espeak-ng

.PHONY: deps build test demo clean fuzz bench bench-ops install showcase showcase-test showcase-load

# apt-get as root (or through sudo), only for the packages that are missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	swift build -c release

test: deps
	swift build --build-tests
	swift build -c release --product image-classifier
	swift build -c release --product char-rnn
	swift build -c release --product misuse-probe
	swift test --skip-build

# MNIST for the autoencoder's latent plot (train-images-idx3-ubyte.gz and labels), when present.
MNIST ?= ../shared/datasets/mnist
demo: deps
	swift build -c release --product image-classifier
	swift build -c release --product char-rnn
	swift build -c release --product denoiser
	swift build -c release --product audio-tagger
	swift build -c release --product gan-sampler
	@echo "== the bundled MNIST model (Assets/models/mnist-lenet.safetensors) on digits drawn by scripts/draw_digits.py"
	.build/release/image-classifier predict Assets/samples/digits --top 2
	.build/release/image-classifier explain Assets/samples/digits/7.png --out runs/demo/saliency-7.png
	.build/release/image-classifier attack Assets/samples/digits/4.png --epsilon 0.2 --out runs/demo/attack
	@echo "== the bundled Shakespeare LSTM (Assets/models/shakespeare-lstm.safetensors) writes a passage"
	.build/release/char-rnn generate --prime "ROMEO:" --length 500 --temperature 0.8 --seed 1
	.build/release/char-rnn explain --text Assets/samples/text/sonnet.txt --cells 6 --out runs/demo/cells.html
	@echo "== the bundled photo denoiser (Assets/models/photo-denoiser.safetensors) on a noisy copy of Assets/samples/photos/scene.png"
	.build/release/denoiser add-noise Assets/samples/photos/scene.png --sigma 25 --out runs/demo/scene-noisy.png
	.build/release/denoiser denoise runs/demo/scene-noisy.png --out runs/demo/scene-denoised.png
	@echo "== the bundled MNIST autoencoder (Assets/models/mnist-conv-ae.safetensors, a 2-D latent)"
	@if [ -f "$(MNIST)/train-images-idx3-ubyte.gz" ] || [ -f "$(MNIST)/train-images-idx3-ubyte" ]; then \
	  .build/release/denoiser latent --data $(MNIST) --limit 5000 --out runs/demo/latent.png && \
	  .build/release/denoiser interpolate 1 3 --data $(MNIST) --out runs/demo/walk.png && \
	  .build/release/denoiser interpolate 1 3 --data $(MNIST) --steps 16 --out runs/demo/walk.mp4 && \
	  .build/release/denoiser reconstruct 0 1 2 3 4 5 6 7 --data $(MNIST) --sigma 76.5 --out runs/demo/reconstruct.png; \
	else \
	  echo "no MNIST in $(MNIST) (make demo MNIST=folder draws the latent plot); the walk and strips use the drawn digits"; \
	  .build/release/denoiser interpolate Assets/samples/digits/0.png Assets/samples/digits/1.png --out runs/demo/walk.png && \
	  .build/release/denoiser interpolate Assets/samples/digits/0.png Assets/samples/digits/1.png --steps 16 --out runs/demo/walk.mp4 && \
	  .build/release/denoiser reconstruct Assets/samples/digits --sigma 76.5 --out runs/demo/reconstruct.png; \
	fi
	@echo "== a video: the walk with noise added (sigma 25), then denoised frame by frame"
	.build/release/denoiser add-noise runs/demo/walk.mp4 --sigma 25 --out runs/demo/walk-noisy.mp4
	.build/release/denoiser denoise runs/demo/walk-noisy.mp4 --out runs/demo/walk-denoised.mp4
	@echo "== the bundled spoken-digit tagger (Assets/models/spoken-digits.safetensors) on ten digits said by an espeak-ng voice it never heard"
	.build/release/audio-tagger collect --voices en-us+klatt3 --variants 1 --out runs/demo/voice
	python3 scripts/digit_sequence.py runs/demo/voice "4 0 7 1 9 2 8 3 6 5" runs/demo/digits.wav
	.build/release/audio-tagger tag runs/demo/digits.wav --out runs/demo
	@echo "== the same recording as the soundtrack of a video (the autoencoder's walk)"
	.build/release/denoiser interpolate Assets/samples/digits/0.png Assets/samples/digits/1.png --steps 35 --fps 4 \
	  --audio runs/demo/digits.wav --out runs/demo/walk-digits.mkv
	.build/release/audio-tagger tag runs/demo/walk-digits.mkv
	@echo "== the bundled conditional digit GAN (Assets/models/mnist-cgan.safetensors)"
	.build/release/gan-sampler sample --count 100 --grid --out runs/demo/gan-grid.png
	.build/release/gan-sampler sample --count 10 --seed 3 --grid --out runs/demo/gan-one-per-class.png
	.build/release/gan-sampler interpolate --from 1 --to 2 --class 3 --to-class 8 --steps 48 --out runs/demo/gan-walk.mp4
	@echo "pictures: runs/demo/saliency-7.png, runs/demo/attack/original.png, adversarial.png, perturbation.png"
	@echo "cells of the text model: runs/demo/cells.html"
	@echo "denoiser: runs/demo/scene-noisy.png, scene-denoised.png, latent.png (+ .svg, -manifold.png), walk.png, reconstruct.png,"
	@echo "          walk.mp4, walk-noisy.mp4, walk-denoised.mp4"
	@echo "audio tagger: runs/demo/digits.png (+ .svg: the spectrogram with its segments), walk-digits.mkv"
	@echo "GAN: runs/demo/gan-grid.png (a column per class), gan-one-per-class.png, gan-walk.mp4 (a 3 turning into an 8)"

# The web showcase on the bundled models: open the URL it prints (SHOWCASE_ARGS=--host 0.0.0.0
# serves the network).
SHOWCASE_ARGS ?=
showcase: deps
	swift build -c release --product deepmedia-showcase
	.build/release/deepmedia-showcase $(SHOWCASE_ARGS)

# Headless Chromium performs each page's main action and screenshots it to runs/showcase/
# (installs chromium when missing).
showcase-test: deps
	@command -v chromium >/dev/null || { if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium; }
	swift build -c release --product deepmedia-showcase
	swift build -c release --product audio-tagger
	scripts/showcase_check.sh browser runs/showcase

# wrk against the API (64 connections, 60 s), the answers checked against serial ones, RSS before
# and after, then the hostile requests (installs wrk when missing).
showcase-load: deps
	@command -v wrk >/dev/null || { if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends wrk; }
	swift build -c release --product deepmedia-showcase
	scripts/showcase_check.sh load runs/showcase

# The programs into $(PREFIX)/bin and the bundled models and samples into
# $(PREFIX)/share/deepmedia/Assets, where the installed programs look for them.
PREFIX ?= /usr/local
PROGRAMS := image-classifier char-rnn denoiser audio-tagger gan-sampler deepmedia-showcase deepmedia-bench
install: deps
	@for p in $(PROGRAMS); do swift build -c release --product $$p || exit 1; done
	install -d "$(PREFIX)/bin" "$(PREFIX)/share/deepmedia"
	@for p in $(PROGRAMS); do install -m 755 .build/release/$$p "$(PREFIX)/bin/$$p"; done
	rm -rf "$(PREFIX)/share/deepmedia/Assets"
	cp -R Assets "$(PREFIX)/share/deepmedia/Assets"
	@echo "installed $(PROGRAMS) in $(PREFIX)/bin, the bundled models in $(PREFIX)/share/deepmedia/Assets"

clean:
	rm -rf .build runs

# libFuzzer on each decoder entry point for FUZZ_SECONDS each (seeds: files the tests generate
# and, when present, ../shared/datasets/media-samples). Findings land in .build-fuzz/findings.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := image audio video gzip
fuzz: deps
	DEEPMEDIA_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product MediaFuzz \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xcc -fsanitize=fuzzer-no-link,address
	mkdir -p .build-fuzz/findings
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p .build-fuzz/corpus/$$t; \
	  Fuzz/seed.sh $$t .build-fuzz/corpus/$$t; \
	  echo "== fuzzing $$t for $(FUZZ_SECONDS) s"; \
	  FUZZ_TARGET=$$t ASAN_OPTIONS=detect_leaks=0 .build-fuzz/release/MediaFuzz .build-fuzz/corpus/$$t \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
	    -artifact_prefix=.build-fuzz/findings/$$t- -print_final_stats=1 2>&1 | grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY|Done)" ; \
	  test $${PIPESTATUS[0]} -eq 0 || { echo "fuzz target $$t FAILED: see .build-fuzz/findings"; exit 1; }; \
	done

# DeepMedia against PyTorch and Keras in one run (installs the peers with pip when missing).
BENCH_ARGS ?= --rounds 3 --seconds 4
bench: deps
	swift build -c release --product deepmedia-bench
	swift build -c release --product image-classifier
	@python3 -c "import torch" 2>/dev/null || pip install -q 'torch==2.13.0+cpu' || pip install -q torch
	@python3 -c "import tensorflow, keras" 2>/dev/null || pip install -q tensorflow-cpu keras || echo "Keras not installed: its columns stay empty"
	python3 scripts/bench.py $(BENCH_ARGS) $$(python3 -c "import tensorflow, keras" 2>/dev/null || echo --no-keras)

# The core operations against PyTorch's in one run (scripts/ops_bench.py).
OPS_ARGS ?= --rounds 3 --seconds 0.6 --threads 1,2
bench-ops: deps
	swift build -c release --product deepmedia-bench
	@python3 -c "import torch" 2>/dev/null || pip install -q 'torch==2.13.0+cpu' || pip install -q torch
	python3 scripts/ops_bench.py $(OPS_ARGS)

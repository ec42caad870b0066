# DeepMedia: `make test` installs what is missing, builds and runs the whole suite; `make demo`
# trains and evaluates a small network and says where its files are.

APT_PACKAGES := pkg-config libopenblas-dev libavcodec-dev libavformat-dev libavutil-dev libswscale-dev \
                libswresample-dev libsndfile1-dev libjpeg-dev zlib1g-dev

.PHONY: deps build test demo clean

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
	swift test --skip-build

demo: deps
	swift build -c release --product deepmedia-demo
	.build/release/deepmedia-demo --out runs/demo

clean:
	rm -rf .build runs

#!/usr/bin/env python3
"""Browser test of deepmedia-showcase: headless Chromium opens every page, performs its main action
through the DevTools protocol (mouse strokes on the canvas, typed text, a dragged slider, a file
chosen in a file input, clicks), checks what the page shows, and writes a screenshot of each page
and report.json to OUT.

usage: showcase_browser.py SERVER_URL OUT [AUDIO_FILE]
Standard library only (the DevTools websocket is spoken here)."""
import base64, json, os, socket, struct, subprocess, sys, tempfile, time, urllib.request

class DevTools:
    """A minimal websocket client for one DevTools page target."""
    def __init__(self, ws_url):
        host, rest = ws_url[len("ws://"):].split("/", 1)
        h, p = host.split(":")
        self.sock = socket.create_connection((h, int(p)), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{rest} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        assert b" 101 " in head.split(b"\r\n")[0], head
        self.next_id, self.events = 0, []

    def _recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk: raise ConnectionError("DevTools closed the connection")
            buf += chunk
        return buf

    def _recv_message(self):
        data = b""
        while True:
            b0, b1 = self._recv_exact(2)
            n = b1 & 0x7F
            if n == 126: n = struct.unpack(">H", self._recv_exact(2))[0]
            elif n == 127: n = struct.unpack(">Q", self._recv_exact(8))[0]
            data += self._recv_exact(n)
            if b0 & 0x80: return json.loads(data)

    def call(self, method, **params):
        self.next_id += 1
        payload = json.dumps({"id": self.next_id, "method": method, "params": params}).encode()
        mask = os.urandom(4)
        n = len(payload)
        head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
        while True:
            m = self._recv_message()
            if m.get("id") == self.next_id:
                if "error" in m: raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def js(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return r.get("result", {}).get("value")

    def wait(self, expression, timeout=60):
        end = time.time() + timeout
        while time.time() < end:
            v = self.js(expression)
            if v: return v
            time.sleep(0.2)
        line = self.js("document.querySelector('.error')?.textContent")
        raise TimeoutError(f"waited {timeout} s for {expression}; the page's error line: {line!r}")

    def centre(self, selector):
        return self.js(f"(() => {{ const r = document.querySelector('{selector}').getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; }})()")

    def mouse(self, kind, x, y, buttons=1):
        self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", buttons=buttons, clickCount=1)

    def click(self, selector, fx=0.5, fy=0.5):
        l, t, w, h = self.centre(selector)
        x, y = l + fx * w, t + fy * h
        self.mouse("mouseMoved", x, y, 0); self.mouse("mousePressed", x, y); self.mouse("mouseReleased", x, y, 0)

    def stroke(self, selector, points):
        """A pressed-mouse stroke through points given as fractions of the element's box."""
        l, t, w, h = self.centre(selector)
        xy = [(l + fx * w, t + fy * h) for fx, fy in points]
        self.mouse("mouseMoved", *xy[0], 0); self.mouse("mousePressed", *xy[0])
        for (x0, y0), (x1, y1) in zip(xy, xy[1:]):
            for k in range(1, 9):
                self.mouse("mouseMoved", x0 + (x1 - x0) * k / 8, y0 + (y1 - y0) * k / 8)
        self.mouse("mouseReleased", *xy[-1], 0)

    def type_into(self, selector, text):
        self.js(f"(() => {{ const e = document.querySelector('{selector}'); e.focus(); e.select(); }})()")
        self.call("Input.insertText", text=text)

    def open(self, url):
        self.call("Page.navigate", url=url)
        self.wait("document.readyState === 'complete' && !!document.querySelector('header')")

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        with open(path, "wb") as f: f.write(base64.b64decode(data))


def main():
    url, out = sys.argv[1].rstrip("/"), sys.argv[2]
    audio = sys.argv[3] if len(sys.argv) > 3 else None
    os.makedirs(out, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="showcase-chromium-")
    port = 9300 + os.getpid() % 500
    browser = subprocess.Popen(["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", f"--remote-debugging-port={port}",
                                f"--user-data-dir={profile}", "--window-size=1280,1000", "--use-fake-ui-for-media-stream",
                                "--use-fake-device-for-media-stream", "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report, failures = {}, 0
    try:
        for _ in range(100):
            try:
                targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
                page = next(t for t in targets if t["type"] == "page"); break
            except Exception: time.sleep(0.2)
        else: raise RuntimeError("chromium did not start")
        d = DevTools(page["webSocketDebuggerUrl"])
        d.call("Page.enable"); d.call("Runtime.enable")
        d.call("Emulation.setDeviceMetricsOverride", width=1280, height=1000, deviceScaleFactor=1, mobile=False)

        def check(name, action):
            nonlocal failures
            t0 = time.time()
            try:
                result = action()
                report[name] = {"ok": True, "seconds": round(time.time() - t0, 2), **result}
            except Exception as e:
                failures += 1
                report[name] = {"ok": False, "error": str(e)}
            d.screenshot(os.path.join(out, f"{name}.png"))
            print(name, json.dumps(report[name]))

        def index():
            d.open(url + "/")
            links = d.js("[...document.querySelectorAll('.cards a')].length")
            assert links == 6, links
            return {"links": links}
        check("index", index)

        def classifier():
            d.open(url + "/classifier.html")
            # A 7: a bar across the top, then a stroke down to the lower left.
            d.stroke("#pad", [(0.25, 0.22), (0.75, 0.22), (0.45, 0.85)])
            top = d.wait("document.body.dataset.top")
            assert top == "7", f"read the drawn 7 as {top}"
            # Drag the epsilon slider to its right end: the adversarial prediction is redrawn.
            d.click("#eps", 0.98, 0.5)
            d.wait("document.getElementById('epsv').textContent === '0.49' || document.getElementById('epsv').textContent === '0.50'")
            time.sleep(1.5)
            adv = d.wait("document.body.dataset.adversarialTop")
            return {"top": top, "epsilon": d.js("document.getElementById('epsv').textContent"), "adversarial_top": adv}
        check("classifier", classifier)

        def charrnn():
            d.open(url + "/charrnn.html")
            d.type_into("#prime", "JULIET:")
            d.click("#go")
            d.wait("document.body.dataset.state === 'done'", timeout=60)
            text = d.js("document.getElementById('out').textContent")
            assert text.startswith("JULIET:") and len(text) == len("JULIET:") + 400, (len(text), text[:40])
            d.click("#colour")
            d.wait("document.body.dataset.coloured === 'yes'")
            spans = d.js("document.querySelectorAll('#out span').length")
            assert spans == len(text), (spans, len(text))
            return {"characters": len(text), "coloured_spans": spans, "start": text[:60]}
        check("charrnn", charrnn)

        def denoiser():
            d.open(url + "/denoiser.html")
            first = float(d.wait("document.body.dataset.psnr"))
            d.click("#sigma", 0.8, 0.5)   # sigma up to about 60
            d.wait(f"document.body.dataset.psnr && document.body.dataset.psnr !== '{first:.2f}'")
            second = float(d.js("document.body.dataset.psnr")); sigma = d.js("document.getElementById('sigmav').textContent")
            noisy = d.js("document.getElementById('npsnr').textContent")
            d.wait("document.body.dataset.latent", timeout=90)
            d.click("#map", 0.3, 0.6)
            d.wait("document.body.dataset.decoded === 'yes'")
            return {"psnr_sigma25": first, "sigma_after_drag": sigma, "psnr_after_drag": second, "noisy_after_drag": noisy}
        check("denoiser", denoiser)

        def tagger():
            d.open(url + "/tagger.html")
            if audio:
                doc = d.call("DOM.getDocument")
                node = d.call("DOM.querySelector", nodeId=doc["root"]["nodeId"], selector="#file")["nodeId"]
                d.call("DOM.setFileInputFiles", files=[os.path.abspath(audio)], nodeId=node)
                tags = d.wait("document.body.dataset.tags !== undefined && document.body.dataset.tags", timeout=60)
                d.screenshot(os.path.join(out, "tagger-file.png"))
            else:
                tags = None
            # The fake microphone (a beep): record two seconds, stop, the clip is tagged.
            d.click("#rec"); time.sleep(2.0); d.click("#rec")
            d.wait("document.getElementById('status').textContent.includes(' s, ')", timeout=30)
            return {"file_tags": tags, "recording": d.js("document.getElementById('status').textContent")}
        check("tagger", tagger)

        def gan():
            d.open(url + "/gan.html")
            d.wait("document.body.dataset.samples")
            before = d.js("document.getElementById('grid').src")
            d.click("#sliders input", 0.9, 0.5)
            d.wait(f"document.getElementById('grid').src !== {json.dumps(before)}")
            d.click("#play")
            frames = d.wait("document.body.dataset.frames")
            time.sleep(0.5)
            return {"samples": int(d.js("document.body.dataset.samples")), "frames": int(frames)}
        check("gan", gan)

        def lab():
            d.open(url + "/lab.html")
            d.wait("document.body.dataset.step === '0'")
            # Circles: a few hundred steps separate them; then spirals train on (the screenshot).
            d.js("(() => { const s = document.getElementById('dataset'); s.value = 'circles'; s.dispatchEvent(new Event('change')); })()")
            time.sleep(1.0)
            d.wait("document.body.dataset.step === '0'")
            d.click("#start")
            d.wait("+document.body.dataset.step >= 600", timeout=60)
            d.click("#start")
            time.sleep(0.5)
            acc = float(d.js("document.body.dataset.accuracy")); steps = int(d.js("document.body.dataset.step"))
            assert acc >= 0.95, f"circles accuracy {acc} after {steps} steps"
            d.js("(() => { const s = document.getElementById('dataset'); s.value = 'spirals'; s.dispatchEvent(new Event('change')); })()")
            time.sleep(1.0)
            d.click("#start")
            d.wait("+document.body.dataset.step >= 3000", timeout=120)
            d.click("#start")
            time.sleep(0.5)
            return {"circles_steps": steps, "circles_accuracy": acc, "spirals_steps": int(d.js("document.body.dataset.step")),
                    "spirals_accuracy": float(d.js("document.body.dataset.accuracy"))}
        check("lab", lab)
    finally:
        browser.terminate()
        browser.wait()
        subprocess.run(["rm", "-rf", profile])
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(report, f, indent=1)
    print(f"{len(report) - failures} of {len(report)} pages passed; screenshots and report.json in {out}")
    sys.exit(1 if failures else 0)

if __name__ == "__main__":
    main()

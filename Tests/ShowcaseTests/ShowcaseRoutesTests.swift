import XCTest
import Foundation
import Hummingbird
import HummingbirdTesting
import MediaIO
import Showcase

/// Every API route of the showcase, in process (no socket), on the bundled models: the answer of
/// each and the error of each kind of bad request.
final class ShowcaseRoutesTests: XCTestCase {
    static let models = Result { try ShowcaseModels() }

    func services() throws -> ShowcaseServices { try ShowcaseServices(models: try Self.models.get(), computeWidth: 2) }

    func app(_ services: ShowcaseServices) throws -> some ApplicationProtocol {
        Application(router: buildRouter(services, pages: try showcasePages(ShowcaseOptions())))
    }

    func json(_ r: TestResponse, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let any = try JSONSerialization.jsonObject(with: Data(buffer: r.body))
        return try XCTUnwrap(any as? [String: Any], "not a JSON object: \(String(buffer: r.body).prefix(200))", file: file, line: line)
    }

    func post(_ c: some TestClientProtocol, _ uri: String, json body: String) async throws -> TestResponse {
        try await c.execute(uri: uri, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
    }

    func post(_ c: some TestClientProtocol, _ uri: String, file: String) async throws -> TestResponse {
        try await c.execute(uri: uri, method: .post, body: ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: file))))
    }

    /// A 4xx answer with a JSON error line.
    func assertError(_ r: TestResponse, _ status: HTTPResponse.Status, containing text: String = "", file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(r.status, status, String(buffer: r.body), file: file, line: line)
        let message = try XCTUnwrap(try json(r, file: file, line: line)["error"] as? String, file: file, line: line)
        XCTAssertTrue(text.isEmpty || message.contains(text), "\"\(message)\" lacks \"\(text)\"", file: file, line: line)
    }

    var assets: String { (try! showcasePages(ShowcaseOptions()) as NSString).deletingLastPathComponent }

    func testPagesAndHealth() async throws {
        try await app(try services()).test(.router) { c in
            let health = try await c.execute(uri: "/api/health", method: .get)
            XCTAssertEqual(try json(health)["status"] as? String, "ok")
            for page in ["/", "/classifier.html", "/charrnn.html", "/denoiser.html", "/tagger.html", "/gan.html", "/lab.html", "/showcase.js", "/showcase.css"] {
                let r = try await c.execute(uri: page, method: .get)
                XCTAssertEqual(r.status, .ok, page)
                XCTAssertGreaterThan(r.body.readableBytes, 200, page)
            }
            // Files outside the pages' folder are never served.
            for path in ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/../models/mnist-lenet.safetensors"] {
                let r = try await c.execute(uri: path, method: .get)
                XCTAssertTrue((400..<500).contains(r.status.code), "\(path): \(r.status)")
                XCTAssertFalse(String(buffer: r.body).contains("root:"), path)
            }
            try assertError(try await c.execute(uri: "/api/nothing", method: .get), .notFound)
        }
    }

    func testClassifierReadsADrawnDigitAndAttacksIt() async throws {
        try await app(try services()).test(.router) { c in
            let r = try await post(c, "/api/classifier/predict?epsilon=0.25", file: assets + "/samples/digits/7.png")
            XCTAssertEqual(r.status, .ok)
            let a = try json(r)
            let top = try XCTUnwrap(a["top"] as? [[String: Any]])
            XCTAssertEqual(top.count, 3)
            XCTAssertEqual(top[0]["class"] as? String, "7")
            XCTAssertTrue((a["saliency"] as? String ?? "").hasPrefix("data:image/png;base64,"))
            let adv = try XCTUnwrap(a["adversarial"] as? [String: Any])
            XCTAssertEqual(adv["epsilon"] as? Double, 0.25)
            let advTop = try XCTUnwrap(adv["top"] as? [[String: Any]])
            // The attack lowers the confidence in the true class.
            XCTAssertLessThan(try XCTUnwrap(advTop.first { $0["class"] as? String == "7" }?["probability"] as? Double? ?? 0),
                              try XCTUnwrap(top[0]["probability"] as? Double))

            try assertError(try await post(c, "/api/classifier/predict?epsilon=2", file: assets + "/samples/digits/7.png"), .badRequest, containing: "epsilon")
            try assertError(try await post(c, "/api/classifier/predict?epsilon=x", file: assets + "/samples/digits/7.png"), .badRequest, containing: "epsilon")
            try assertError(try await c.execute(uri: "/api/classifier/predict", method: .post), .badRequest, containing: "no body")
            // A text file sent as a picture, and a PNG cut short.
            try assertError(try await post(c, "/api/classifier/predict", file: assets + "/README.md"), .badRequest, containing: "the upload")
            let png = try Data(contentsOf: URL(fileURLWithPath: assets + "/samples/photos/scene.png"))
            let cut = try await c.execute(uri: "/api/classifier/predict", method: .post, body: ByteBuffer(bytes: png.prefix(600)))
            XCTAssertEqual(cut.status, .badRequest)
        }
    }

    func testUploadsAboveTheLimitAre413AndLeaveNothing() async throws {
        let s = try services()
        try await app(s).test(.router) { c in
            let big = ByteBuffer(repeating: 0x41, count: ShowcaseLimits.uploadBytes + 1)
            for route in ["/api/classifier/predict", "/api/denoiser/denoise", "/api/tagger/tag"] {
                try assertError(try await c.execute(uri: route, method: .post, body: big), .contentTooLarge, containing: "MB")
            }
            // A small file that declares more pixels than the server decodes (16.4 megapixels of black).
            let huge = NSTemporaryDirectory() + "showcase-huge-\(getpid()).png"
            defer { try? FileManager.default.removeItem(atPath: huge) }
            try Image(width: 4100, height: 4000, channels: 1).writePNG(huge)
            for route in ["/api/classifier/predict", "/api/denoiser/denoise"] {
                try assertError(try await post(c, route, file: huge), .badRequest, containing: "at most 16000000 pixels")
            }
            _ = try await post(c, "/api/classifier/predict", file: assets + "/samples/digits/3.png")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: s.uploads.path), [])
    }

    func testCharRNNGeneratesTheSameTextAsJSONAndAsEvents() async throws {
        try await app(try services()).test(.router) { c in
            let r = try await post(c, "/api/charrnn/generate", json: #"{"prime": "KING:", "length": 60, "temperature": 0.7, "seed": 5}"#)
            XCTAssertEqual(r.status, .ok)
            let text = try XCTUnwrap(try json(r)["text"] as? String)
            XCTAssertEqual(text.unicodeScalars.count, 60)
            let again = try json(try await post(c, "/api/charrnn/generate", json: #"{"prime": "KING:", "length": 60, "temperature": 0.7, "seed": 5}"#))
            XCTAssertEqual(again["text"] as? String, text)

            let s = try await c.execute(uri: "/api/charrnn/stream?prime=KING:&length=60&temperature=0.7&seed=5", method: .get)
            XCTAssertEqual(s.headers[.contentType], "text/event-stream")
            let events = String(buffer: s.body).components(separatedBy: "\n\n").filter { !$0.isEmpty }
            XCTAssertEqual(events.last, "event: done\ndata: {}")
            let streamed = try events.dropLast().map { e -> String in
                XCTAssertTrue(e.hasPrefix("data: "))
                return try JSONDecoder().decode(String.self, from: Data(e.dropFirst(6).utf8))
            }.joined()
            XCTAssertEqual(streamed, text)

            let cells = try json(try await post(c, "/api/charrnn/cells", json: #"{"text": "ROMEO:\nWhat (say) you?\n"}"#))
            XCTAssertEqual((cells["characters"] as? [String])?.count, 23)
            let first = try XCTUnwrap((cells["cells"] as? [[String: Any]])?.first)
            XCTAssertEqual((first["values"] as? [Double])?.count, 23)

            try assertError(try await post(c, "/api/charrnn/generate", json: #"{"length": "long"}"#), .badRequest, containing: "`length` key, expected `Int`")
            try assertError(try await post(c, "/api/charrnn/generate", json: #"{"length": 100000}"#), .badRequest, containing: "length")
            try assertError(try await post(c, "/api/charrnn/generate", json: "not json"), .badRequest)
            try assertError(try await c.execute(uri: "/api/charrnn/stream?temperature=-1", method: .get), .badRequest, containing: "temperature")
            try assertError(try await post(c, "/api/charrnn/cells", json: #"{"txt": "a"}"#), .badRequest)
        }
    }

    func testDenoiserSamplesLatentMapAndDecoding() async throws {
        try await app(try services()).test(.router) { c in
            let listed = try json(try await c.execute(uri: "/api/denoiser/samples", method: .get))
            let samples = try XCTUnwrap(listed["samples"] as? [String])
            XCTAssertTrue(samples.contains("scene.png"))
            let a = try json(try await c.execute(uri: "/api/denoiser/denoise?sample=scene.png&sigma=25&seed=2", method: .post))
            let psnr = try XCTUnwrap(a["psnr"] as? Double), noisy = try XCTUnwrap(a["noisy_psnr"] as? Double)
            XCTAssertEqual(noisy, 20.2, accuracy: 0.5)   // sigma 25 of 255, clipped
            XCTAssertGreaterThan(psnr, noisy + 6)
            let dropped = try await post(c, "/api/denoiser/denoise?sigma=15", file: assets + "/samples/digits/8.png")
            XCTAssertEqual(dropped.status, .ok)

            try assertError(try await c.execute(uri: "/api/denoiser/denoise?sample=../../etc/passwd", method: .post), .notFound, containing: "no sample")
            try assertError(try await c.execute(uri: "/api/denoiser/denoise?sample=scene.png&sigma=-1", method: .post), .badRequest, containing: "sigma")

            let map = try json(try await c.execute(uri: "/api/denoiser/latent", method: .get))
            let points = try XCTUnwrap(map["points"] as? [[String: Any]])
            XCTAssertEqual(points.count, 400)
            XCTAssertEqual(Set(points.compactMap { $0["label"] as? Int }), Set(0..<10))
            let decoded = try json(try await post(c, "/api/denoiser/decode", json: #"{"x": 0.5, "y": -1}"#))
            XCTAssertTrue((decoded["image"] as? String ?? "").hasPrefix("data:image/png;base64,"))
            try assertError(try await post(c, "/api/denoiser/decode", json: #"{"x": 0.5}"#), .badRequest)
        }
    }

    func testTaggerHearsASpokenDigit() async throws {
        try await app(try services()).test(.router) { c in
            try assertError(try await post(c, "/api/tagger/tag", file: assets + "/samples/digits/7.png"), .badRequest, containing: "the upload")
            try assertError(try await c.execute(uri: "/api/tagger/tag?threshold=3", method: .post, body: ByteBuffer(string: "x")), .badRequest, containing: "threshold")
            // An hour of quiet 1 kHz 8-bit audio: 3.6 MB, over the server's 10 minutes.
            var wavBytes = Data("RIFF".utf8); let n = 3_600_000
            func le32(_ v: Int) -> Data { withUnsafeBytes(of: UInt32(v).littleEndian) { Data($0) } }
            func le16(_ v: Int) -> Data { withUnsafeBytes(of: UInt16(v).littleEndian) { Data($0) } }
            wavBytes += le32(36 + n) + Data("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(1) + le32(1000) + le32(1000) + le16(1) + le16(8)
            wavBytes += Data("data".utf8) + le32(n) + Data(repeating: 128, count: n)
            try assertError(try await c.execute(uri: "/api/tagger/tag", method: .post, body: ByteBuffer(bytes: wavBytes)), .badRequest, containing: "longer than 600 s")
            guard let espeak = ["/usr/bin/espeak-ng", "/usr/local/bin/espeak-ng"].first(where: FileManager.default.isExecutableFile) else {
                throw XCTSkip("espeak-ng is not installed (make installs it)")
            }
            let wav = NSTemporaryDirectory() + "showcase-seven-\(getpid()).wav"
            defer { try? FileManager.default.removeItem(atPath: wav) }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: espeak)
            p.arguments = ["-v", "en-us", "-w", wav, "seven"]
            try p.run(); p.waitUntilExit()
            let a = try json(try await post(c, "/api/tagger/tag", file: wav))
            let top = try XCTUnwrap(a["top"] as? [[String: Any]])
            XCTAssertEqual(top.first?["tag"] as? String, "seven")
            XCTAssertEqual((a["segments"] as? [[String: Any]])?.first?["tag"] as? String, "seven")
            XCTAssertTrue((a["picture"] as? String ?? "").hasPrefix("data:image/png;base64,"))
        }
    }

    func testGANSamplesStepsAndWalks() async throws {
        try await app(try services()).test(.router) { c in
            let about = try json(try await c.execute(uri: "/api/gan", method: .get))
            XCTAssertEqual(about["classes"] as? Int, 10)
            let s = try json(try await post(c, "/api/gan/sample", json: #"{"class": 3, "count": 4, "seed": 2, "offsets": [1.5, 0, -1]}"#))
            XCTAssertEqual(s["labels"] as? [Int], [3, 3, 3, 3])
            let plain = try json(try await post(c, "/api/gan/sample", json: #"{"class": 3, "count": 4, "seed": 2}"#))
            XCTAssertNotEqual(s["grid"] as? String, plain["grid"] as? String)
            let w = try json(try await post(c, "/api/gan/interpolate", json: #"{"from_seed": 1, "to_seed": 2, "from_class": 3, "to_class": 8, "steps": 6}"#))
            XCTAssertEqual((w["frames"] as? [String])?.count, 6)

            try assertError(try await post(c, "/api/gan/sample", json: #"{"class": 12}"#), .badRequest, containing: "class")
            try assertError(try await post(c, "/api/gan/sample", json: #"{"count": 5000}"#), .badRequest, containing: "count")
            try assertError(try await post(c, "/api/gan/sample", json: #"{"offsets": [1e9]}"#), .badRequest, containing: "offset")
            try assertError(try await post(c, "/api/gan/interpolate", json: #"{"from_seed": 1, "to_seed": 2, "steps": 1000}"#), .badRequest, containing: "steps")
            try assertError(try await post(c, "/api/gan/interpolate", json: #"{"from_seed": "one", "to_seed": 2, "steps": 4}"#), .badRequest, containing: "`from_seed`")
        }
    }

    func testLabTrainsAModelOfEachViewersOwn() async throws {
        let s = try services()
        try await app(s).test(.router) { c in
            let made = try json(try await post(c, "/api/lab", json: #"{"dataset": "xor", "hidden": 16, "seed": 3}"#))
            let id = try XCTUnwrap(made["id"] as? String)
            XCTAssertEqual((made["points"] as? [[Double]])?.count, 400)
            let second = try json(try await post(c, "/api/lab", json: #"{"dataset": "circles"}"#))
            let other = try XCTUnwrap(second["id"] as? String)
            XCTAssertNotEqual(id, other)
            let stepped = try json(try await post(c, "/api/lab/\(id)/step", json: #"{"steps": 400}"#))
            let state = try XCTUnwrap(stepped["state"] as? [String: Any])
            XCTAssertEqual(state["step"] as? Int, 400)
            XCTAssertGreaterThan(try XCTUnwrap(state["accuracy"] as? Double), 0.95)
            XCTAssertEqual((state["boundary"] as? [Double])?.count, LabSession.gridSize * LabSession.gridSize)
            // The other viewer's model has not moved.
            let still = try json(try await post(c, "/api/lab/\(other)/step", json: #"{"steps": 0}"#))
            let untouched = try XCTUnwrap(still["state"] as? [String: Any])
            XCTAssertEqual(untouched["step"] as? Int, 0)

            let deleted = try await c.execute(uri: "/api/lab/\(id)", method: .delete)
            XCTAssertEqual(deleted.status, .ok)
            try assertError(try await post(c, "/api/lab/\(id)/step", json: #"{"steps": 1}"#), .notFound, containing: "no lab model")
            try assertError(try await post(c, "/api/lab", json: #"{"dataset": "moons"}"#), .badRequest, containing: "moons")
            try assertError(try await post(c, "/api/lab", json: #"{"hidden": "many"}"#), .badRequest)
            try assertError(try await post(c, "/api/lab", json: #"{"lr": 50}"#), .badRequest, containing: "lr")
            try assertError(try await post(c, "/api/lab/\(other)/step", json: #"{"steps": 100000}"#), .badRequest, containing: "steps")
        }
        let live = await s.lab.count
        XCTAssertEqual(live, 1)
    }

    /// Requests computed at once give the answers they give one at a time.
    func testConcurrentAnswersEqualSerialOnes() async throws {
        try await app(try services()).test(.router) { c in
            let digits = (0..<10).map { "\(assets)/samples/digits/\($0).png" }
            func top(_ r: TestResponse) throws -> String { try XCTUnwrap(((try json(r)["top"] as? [[String: Any]])?.first?["class"]) as? String) }
            func text(_ r: TestResponse) throws -> String { try XCTUnwrap(try json(r)["text"] as? String) }
            var serialTops: [String] = [], serialTexts: [String] = []
            for d in digits { serialTops.append(try top(try await post(c, "/api/classifier/predict", file: d))) }
            for seed in 1...4 { serialTexts.append(try text(try await post(c, "/api/charrnn/generate", json: #"{"length": 80, "seed": \#(seed)}"#))) }
            let results = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for (k, d) in digits.enumerated() { group.addTask { (k, try top(try await self.post(c, "/api/classifier/predict", file: d))) } }
                for seed in 1...4 { group.addTask { (100 + seed, try text(try await self.post(c, "/api/charrnn/generate", json: #"{"length": 80, "seed": \#(seed)}"#))) } }
                var out: [Int: String] = [:]
                for try await (k, v) in group { out[k] = v }
                return out
            }
            XCTAssertEqual((0..<10).map { results[$0]! }, serialTops)
            XCTAssertEqual((1...4).map { results[100 + $0]! }, serialTexts)
        }
    }
}

import XCTest
import Foundation
import TestSupport

/// End-to-end runs of the char-rnn executable on a small generated text.
final class CharRNNTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("cr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func run(_ args: [String]) throws -> (Int32, String, String) { try ToolRunner.run("char-rnn", args) }

    /// Five short verses repeated: easy to learn, 25 distinct characters (ln 25 = 3.2 nats for a
    /// model that knows nothing).
    func makeText(repeats: Int = 60) throws -> String {
        let verses = ["the cat sat on the mat.", "a dog ran to the log.", "one fox saw two hens.",
                      "we sing, and so do they.", "the end is not the end."]
        let text = (0..<(repeats * verses.count)).map { verses[$0 % verses.count] }.joined(separator: "\n") + "\n"
        let path = dir.appendingPathComponent("verses.txt").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A tiny network that trains in seconds even in a debug build.
    func tiny(layers: Int = 1) -> [String] {
        ["--hidden", "32", "--layers", "\(layers)", "--embedding", "8", "--seq-len", "16", "--batch-size", "8",
         "--lr", "0.01", "--sample-every", "0"]
    }

    func metrics(_ run: String) throws -> [[String: Any]] {
        try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    func testTrainEvaluateGenerateExplain() throws {
        let text = try makeText()
        let runDir = dir.appendingPathComponent("run").path
        let (code, out, err) = try run(["train", "--text", text, "--epochs", "12", "--out", runDir] + tiny())
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(out.contains("run folder"), out)
        let m = try metrics(runDir)
        XCTAssertEqual(m.count, 12)
        let first = m.first!["val_loss"] as! Double, last = m.last!["val_loss"] as! Double
        // Stated bound: after 12 passes the validation loss is below 0.8 nats/char (from 3.2).
        XCTAssertLessThan(last, 0.8, "validation loss \(first) -> \(last)")
        for f in ["config.json", "checkpoint.safetensors", "best.safetensors", "optimizer.safetensors", "curves.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: runDir + "/" + f), f)
        }
        let model = runDir + "/best.safetensors"

        // evaluate --json on a known file: the verses plus one character the model never saw.
        let probe = dir.appendingPathComponent("probe.txt").path
        try Data("the cat sat on the mat.\nthe END is not the end.\n".utf8).write(to: URL(fileURLWithPath: probe))
        let (ec, eo, ee) = try run(["evaluate", "--text", probe, "--model", model, "--json"])
        XCTAssertEqual(ec, 0, ee)
        let j = try JSONSerialization.jsonObject(with: Data(eo.utf8)) as! [String: Any]
        let nats = j["loss_nats_per_char"] as! Double, bits = j["bits_per_char"] as! Double
        XCTAssertEqual(j["out_of_vocabulary"] as? Int, 3)            // E, N, D
        XCTAssertEqual(j["chars"] as? Int, 48 - 1 - 3)                 // 48 characters: 47 predictions, 3 not counted
        XCTAssertEqual(bits, nats / log(2), accuracy: 1e-9)
        XCTAssertGreaterThan(nats, 0)

        // The same seed gives the same text; the prime comes first.
        let g1 = try run(["generate", "--model", model, "--prime", "the ", "--length", "120", "--seed", "7"])
        let g2 = try run(["generate", "--model", model, "--prime", "the ", "--length", "120", "--seed", "7"])
        XCTAssertEqual(g1.0, 0, g1.2)
        XCTAssertEqual(g1.1, g2.1)
        XCTAssertTrue(g1.1.hasPrefix("the "))
        XCTAssertEqual(g1.1.unicodeScalars.count, 4 + 120 + 1)
        let hot = ["generate", "--model", model, "--length", "120", "--temperature", "2"]
        XCTAssertNotEqual(try run(hot + ["--seed", "8"]).1, try run(hot + ["--seed", "9"]).1)

        let page = dir.appendingPathComponent("cells.html").path
        let (xc, xo, xe) = try run(["explain", "--text", text, "--model", model, "--cells", "4", "--limit", "400", "--out", page])
        XCTAssertEqual(xc, 0, xe)
        XCTAssertTrue(xo.contains("position in the line"), xo)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        XCTAssertEqual(html.components(separatedBy: "<h2>").count - 1, 4)
        XCTAssertGreaterThan(html.components(separatedBy: "<span style").count - 1, 4 * 399)
    }

    /// Ctrl-C saves a checkpoint and exits; --resume then ends with exactly the weights of an
    /// uninterrupted run (position, Adam state, carried state and dropout stream all restored).
    func testInterruptAndResumeAreExact() throws {
        // Long enough (about 2 s of training) that the run is still going when Ctrl-C comes.
        let text = try makeText(repeats: 200)
        let a = dir.appendingPathComponent("a").path, b = dir.appendingPathComponent("b").path
        let common = ["--text", text, "--epochs", "3", "--dropout", "0.2"] + tiny(layers: 2)
        XCTAssertEqual(try run(["train", "--out", a] + common).0, 0)

        let (p, out, err) = try ToolRunner.start("char-rnn", ["train", "--out", b] + common)
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: b + "/metrics.jsonl") && p.isRunning && Date() < deadline { usleep(20_000) }
        usleep(100_000)
        guard p.isRunning else { throw XCTSkip("training finished before it could be interrupted") }
        // A second training on the running one's folder, and a new run over a finished one: refused.
        let twice = try run(["train", "--out", b, "--overwrite"] + common)
        XCTAssertEqual(twice.0, 1, twice.2)
        XCTAssertTrue(twice.2.contains("another training is using this run folder"), twice.2)
        let over = try run(["train", "--out", a] + common)
        XCTAssertEqual(over.0, 1, over.2)
        XCTAssertTrue(over.2.contains("already holds a run") && over.2.contains("--resume"), over.2)
        kill(p.processIdentifier, SIGINT)
        let (code, o, e) = ToolRunner.finish(p, out, err)
        XCTAssertEqual(code, 130, e)
        XCTAssertTrue(o.contains("--resume"), o)
        let (rc, _, re) = try run(["train", "--resume", b])
        XCTAssertEqual(rc, 0, re)
        let wa = try XCTUnwrap(FileManager.default.contents(atPath: a + "/checkpoint.safetensors"))
        let wb = try XCTUnwrap(FileManager.default.contents(atPath: b + "/checkpoint.safetensors"))
        // Same tensors; the header differs only in metadata such as the training time.
        func payload(_ d: Data) -> Data { let n = Int(d.prefix(8).withUnsafeBytes { $0.load(as: UInt64.self) }); return d.dropFirst(8 + n) }
        XCTAssertEqual(payload(wa), payload(wb), "3 passes straight and interrupted + resumed must give the same weights")
    }

    func testBadInputGivesOneClearLineAndNonZeroExit() throws {
        let bad = dir.appendingPathComponent("latin1.txt").path
        try Data([0x63, 0x61, 0x66, 0xE9, 0x0A]).write(to: URL(fileURLWithPath: bad))   // "café" in Latin-1
        let r1 = try run(["train", "--text", bad, "--out", dir.appendingPathComponent("r1").path])
        XCTAssertNotEqual(r1.0, 0)
        XCTAssertTrue(r1.2.contains("latin1.txt") && r1.2.contains("not UTF-8"), r1.2)
        XCTAssertEqual(r1.2.split(separator: "\n").count, 1, r1.2)

        let empty = dir.appendingPathComponent("empty.txt").path
        try Data().write(to: URL(fileURLWithPath: empty))
        let r2 = try run(["train", "--text", empty])
        XCTAssertNotEqual(r2.0, 0)
        XCTAssertTrue(r2.2.contains("empty.txt") && r2.2.contains("empty"), r2.2)
        XCTAssertEqual(r2.2.split(separator: "\n").count, 1, r2.2)

        let r3 = try run(["generate", "--model", dir.appendingPathComponent("nope.safetensors").path])
        XCTAssertNotEqual(r3.0, 0)
        XCTAssertTrue(r3.2.contains("nope.safetensors"), r3.2)
        XCTAssertEqual(r3.2.split(separator: "\n").count, 1, r3.2)

        let lenet = Fixtures.repoRoot.appendingPathComponent("Assets/models/mnist-lenet.safetensors").path
        let r4 = try run(["generate", "--model", lenet])
        XCTAssertNotEqual(r4.0, 0)
        XCTAssertTrue(r4.2.contains("not a char-rnn model"), r4.2)
        XCTAssertEqual(r4.2.split(separator: "\n").count, 1, r4.2)

        let short = dir.appendingPathComponent("short.txt").path
        try Data("to be or not to be\n".utf8).write(to: URL(fileURLWithPath: short))
        let r5 = try run(["train", "--text", short, "--out", dir.appendingPathComponent("r5").path])
        XCTAssertNotEqual(r5.0, 0)
        XCTAssertTrue(r5.2.contains("too short"), r5.2)

        let r6 = try run(["train", "--text", short, "--dropout", "1.5"])
        XCTAssertNotEqual(r6.0, 0)
        XCTAssertTrue(r6.2.contains("--dropout"), r6.2)
    }
}

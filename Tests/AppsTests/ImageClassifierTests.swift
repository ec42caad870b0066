import XCTest
import Foundation
import MediaIO
import TestSupport

/// End-to-end runs of the image-classifier executable on a tiny generated data set.
final class ImageClassifierTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("ic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func run(_ args: [String]) throws -> (Int32, String, String) { try ToolRunner.run("image-classifier", args) }

    /// Two classes drawn here: a vertical bar and a horizontal bar, 12 images each, slightly moved.
    func makeDataset() throws -> String {
        let data = dir.appendingPathComponent("bars")
        try BarsDataset.write(to: data, perClass: 12, shifts: 6)
        return data.path
    }

    func testTrainEvaluatePredict() throws {
        let data = try makeDataset()
        let runDir = dir.appendingPathComponent("run").path
        let (code, out, err) = try run(["train", "--data", data, "--epochs", "6", "--batch-size", "8", "--lr", "0.003",
                                        "--val-fraction", "0.25", "--out", runDir])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(out.contains("validation accuracy"), out)
        for f in ["config.json", "metrics.jsonl", "checkpoint.safetensors", "best.safetensors", "curves.svg", "confusion.png", "confusion.svg", "optimizer.safetensors"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: runDir + "/" + f), "missing \(f)")
        }
        let (c2, json, e2) = try run(["evaluate", "--data", data, "--model", runDir + "/best.safetensors", "--json"])
        XCTAssertEqual(c2, 0, e2)
        let obj = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        XCTAssertEqual(obj["count"] as? Int, 24)
        let acc = try XCTUnwrap(obj["accuracy"] as? Double)
        XCTAssertGreaterThanOrEqual(acc, 0.9, "two bar orientations are easy: accuracy \(acc)")
        XCTAssertEqual((obj["per_class"] as? [Any])?.count, 2)
        let (c3, pred, e3) = try run(["predict", data + "/vertical/3.png", "--model", runDir + "/best.safetensors", "--top", "1"])
        XCTAssertEqual(c3, 0, e3)
        XCTAssertTrue(pred.contains("vertical"), pred)
        // Saliency and adversarial pictures.
        let sal = dir.appendingPathComponent("out/saliency.png").path
        let (c5, _, e5) = try run(["explain", data + "/vertical/3.png", "--model", runDir + "/best.safetensors", "--out", sal, "--size", "56"])
        XCTAssertEqual(c5, 0, e5)
        let salImage = try Image.read(sal)
        XCTAssertEqual([salImage.width, salImage.height], [56, 56])
        let attackDir = dir.appendingPathComponent("attack").path
        let (c6, atk, e6) = try run(["attack", data + "/vertical/3.png", "--model", runDir + "/best.safetensors", "--epsilon", "0.3", "--out", attackDir])
        XCTAssertEqual(c6, 0, e6)
        XCTAssertTrue(atk.contains("adversarial (epsilon 0.300)"), atk)
        for f in ["original.png", "adversarial.png", "perturbation.png"] { XCTAssertTrue(FileManager.default.fileExists(atPath: attackDir + "/" + f)) }
        let (c7, curve, e7) = try run(["attack", "--data", data, "--model", runDir + "/best.safetensors", "--epsilons", "0,0.5", "--out", attackDir])
        XCTAssertEqual(c7, 0, e7)
        let accs = curve.split(separator: "\n").filter { $0.hasPrefix("epsilon") }.compactMap { Double($0.split(separator: " ").last!) }
        XCTAssertEqual(accs.count, 2)
        XCTAssertGreaterThan(accs[0], accs[1], "a large perturbation must cost accuracy: \(curve)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: attackDir + "/attack.svg"))
        // --resume continues from the checkpoint to more epochs.
        let (c4, _, e4) = try run(["train", "--resume", runDir, "--epochs", "7"])
        XCTAssertEqual(c4, 0, e4)
        let lines = try String(contentsOfFile: runDir + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 7)
    }

    func testResumeIsExact() throws {
        let data = try makeDataset()
        let a = dir.appendingPathComponent("a").path, b = dir.appendingPathComponent("b").path
        let common = ["--data", data, "--batch-size", "8", "--augment", "--rotate", "10", "--seed", "5"]
        XCTAssertEqual(try run(["train"] + common + ["--epochs", "3", "--out", a]).0, 0)
        XCTAssertEqual(try run(["train"] + common + ["--epochs", "1", "--out", b]).0, 0)
        XCTAssertEqual(try run(["train", "--resume", b, "--epochs", "3"]).0, 0)
        let wa = try XCTUnwrap(FileManager.default.contents(atPath: a + "/checkpoint.safetensors"))
        let wb = try XCTUnwrap(FileManager.default.contents(atPath: b + "/checkpoint.safetensors"))
        // Same tensors; the header differs only in metadata such as the training time.
        func payload(_ d: Data) -> Data { let n = Int(d.prefix(8).withUnsafeBytes { $0.load(as: UInt64.self) }); return d.dropFirst(8 + n) }
        XCTAssertEqual(payload(wa), payload(wb), "3 epochs straight and 1 + 2 resumed must give the same weights")
    }

    func testBadInputGivesOneClearLineAndNonZeroExit() throws {
        let missing = try run(["train", "--data", dir.appendingPathComponent("nope").path, "--out", dir.appendingPathComponent("r").path])
        XCTAssertNotEqual(missing.0, 0)
        XCTAssertTrue(missing.2.contains("nope") && missing.2.contains("no such folder"), missing.2)
        XCTAssertLessThanOrEqual(missing.2.split(separator: "\n").count, 2, missing.2)

        let data = try makeDataset()
        FileManager.default.createFile(atPath: data + "/vertical/broken.png", contents: Data("not a png".utf8))
        let corrupt = try run(["train", "--data", data, "--epochs", "1", "--out", dir.appendingPathComponent("r2").path])
        XCTAssertNotEqual(corrupt.0, 0)
        XCTAssertTrue(corrupt.2.contains("broken.png"), corrupt.2)

        let empty = dir.appendingPathComponent("empty/a")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let e = try run(["train", "--data", empty.deletingLastPathComponent().path, "--out", dir.appendingPathComponent("r3").path])
        XCTAssertNotEqual(e.0, 0)
        XCTAssertTrue(e.2.contains("no image files"), e.2)

        // A checkpoint of another architecture.
        try FileManager.default.removeItem(atPath: data + "/vertical/broken.png")
        let runDir = dir.appendingPathComponent("run").path
        XCTAssertEqual(try run(["train", "--data", data, "--epochs", "1", "--out", runDir]).0, 0)
        let wrong = try run(["evaluate", "--data", data, "--model", runDir + "/best.safetensors", "--arch", "cifar-cnn"])
        XCTAssertNotEqual(wrong.0, 0)
        XCTAssertTrue(wrong.2.contains("not a cifar-cnn checkpoint"), wrong.2)
        let notCkpt = try run(["predict", data + "/vertical/1.png", "--model", data + "/vertical/1.png"])
        XCTAssertNotEqual(notCkpt.0, 0)
        XCTAssertTrue(notCkpt.2.contains("1.png"), notCkpt.2)
        let flag = try run(["train", "--data", data, "--epochs", "0"])
        XCTAssertNotEqual(flag.0, 0)
        for bad in [["--lr", "inf"], ["--lr", "nan"], ["--weight-decay", "-1"], ["--dropout", "nan"], ["--patience", "0"]] {
            let r = try run(["train", "--data", data, "--out", dir.appendingPathComponent("never").path] + bad)
            XCTAssertEqual(r.0, 1, "\(bad) \(r.2)")
            XCTAssertTrue(r.2.contains(bad[0]), r.2)
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("never").path))
        }
        let version = try run(["--version"])
        XCTAssertEqual(version.0, 0)
        XCTAssertTrue(version.1.hasPrefix("0."), version.1)
        let help = try run(["train", "--help"])
        XCTAssertTrue(help.1.contains("(default 1/6;") && help.1.contains("required unless --resume") && !help.1.contains("0.1666"), help.1)
        let badStd = try run(["predict", data + "/vertical/1.png", "--std", "0"])
        XCTAssertEqual(badStd.0, 1, badStd.2)
        XCTAssertTrue(badStd.2.contains("--std"), badStd.2)

        // Data with classes the model does not know (the old attack crashed the heap here).
        let other = dir.appendingPathComponent("other")
        try BarsDataset.write(to: other, perClass: 3, shifts: 3)
        try FileManager.default.moveItem(at: other.appendingPathComponent("vertical"), to: other.appendingPathComponent("diagonal"))
        for args in [["attack", "--data", other.path, "--out", dir.appendingPathComponent("atk").path], ["evaluate", "--data", other.path]] {
            let r = try run(args + ["--model", runDir + "/best.safetensors"])
            XCTAssertEqual(r.0, 1, r.2)
            XCTAssertTrue(r.2.contains("classes the model does not know: diagonal"), r.2)
            XCTAssertEqual(r.2.split(separator: "\n").count, 1, r.2)
        }
    }

    /// /dev/zero and a FIFO as a model or an image: one line and exit 1 at once, no endless read or wait.
    func testDevicesAndFIFOsAreRefusedAtOnce() throws {
        let fifo = dir.appendingPathComponent("pipe.png").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let digit = Fixtures.repoRoot.appendingPathComponent("Assets/samples/digits/7.png").path
        for args in [["predict", digit, "--model", "/dev/zero"], ["predict", digit, "--model", fifo], ["predict", "/dev/urandom"],
                     ["predict", fifo], ["explain", fifo, "--out", dir.appendingPathComponent("s.png").path]] {
            let start = Date()
            let r = try run(args)
            XCTAssertEqual(r.0, 1, r.2)
            XCTAssertTrue(r.2.contains("not a regular file"), r.2)
            XCTAssertEqual(r.2.split(separator: "\n").count, 1, r.2)
            XCTAssertLessThan(Date().timeIntervalSince(start), 10, "\(args)")
        }
    }

    /// An installed program (`make install`'s layout) and a link to one find the bundled model
    /// from any folder; a lone copy says how to point it at the models.
    func testBundledModelIsFoundFromAnInstall() throws {
        let prefix = dir.appendingPathComponent("prefix")
        let bin = prefix.appendingPathComponent("bin"), share = prefix.appendingPathComponent("share/deepmedia")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ToolRunner.path("image-classifier"), toPath: bin.appendingPathComponent("image-classifier").path)
        try FileManager.default.createSymbolicLink(atPath: share.appendingPathComponent("Assets").path,
                                                   withDestinationPath: Fixtures.repoRoot.appendingPathComponent("Assets").path)
        let link = dir.appendingPathComponent("ic").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: bin.appendingPathComponent("image-classifier").path)
        let digit = Fixtures.repoRoot.appendingPathComponent("Assets/samples/digits/7.png").path
        for exe in [bin.appendingPathComponent("image-classifier").path, link] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = ["predict", digit, "--top", "1"]
            p.currentDirectoryURL = URL(fileURLWithPath: "/")
            p.environment = ProcessInfo.processInfo.environment.filter { $0.key != "DEEPMEDIA_ASSETS" }
            let out = Pipe(), err = Pipe()
            p.standardOutput = out; p.standardError = err
            try p.run()
            let (code, o, e) = ToolRunner.finish(p, out, err)
            XCTAssertEqual(code, 0, e)
            XCTAssertTrue(o.hasSuffix("7.png: 7 1.000\n"), o)
        }
        let lone = dir.appendingPathComponent("lone")
        try FileManager.default.createDirectory(at: lone, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ToolRunner.path("image-classifier"), toPath: lone.appendingPathComponent("ic").path)
        let p = Process()
        p.executableURL = lone.appendingPathComponent("ic")
        p.arguments = ["predict", digit]
        p.currentDirectoryURL = lone
        p.environment = ProcessInfo.processInfo.environment.filter { $0.key != "DEEPMEDIA_ASSETS" }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let (code, _, e) = ToolRunner.finish(p, out, err)
        XCTAssertEqual(code, 1)
        XCTAssertTrue(e.contains("DEEPMEDIA_ASSETS"), e)
    }

    /// A folder with an image, a video and a text file: the text file is skipped with a note, the
    /// video's frames come in the images' schema with their time, and --top holds for both.
    func testPredictFolderWithVideoAndOtherFiles() throws {
        let folder = dir.appendingPathComponent("mixed")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let digit = Fixtures.repoRoot.appendingPathComponent("Assets/samples/digits/7.png").path
        try FileManager.default.copyItem(atPath: digit, toPath: folder.appendingPathComponent("a.png").path)
        FileManager.default.createFile(atPath: folder.appendingPathComponent("SOURCE.md").path, contents: Data("notes".utf8))
        let enc = try VideoEncoder(folder.appendingPathComponent("b.mp4").path, width: 64, height: 64, frameRate: 4)
        let frame = try Image.read(digit).resized(width: 64, height: 64, filter: .bilinear)
        for _ in 0..<8 { try enc.append(frame) }
        try enc.finish()
        let (code, out, err) = try run(["predict", folder.path, "--top", "2", "--json"])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(err.contains("skipped 1 file(s) that are not images or videos") && err.contains("SOURCE.md"), err)
        let objects = try out.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertEqual(objects.count, 1 + 2)                     // the image, and a frame each second of 2 s
        for o in objects { XCTAssertEqual((o["top"] as? [Any])?.count, 2, "\(o)") }
        XCTAssertNil(objects[0]["time"])
        XCTAssertEqual(objects[1]["time"] as? Double, 0)
        XCTAssertEqual(((objects[1]["top"] as? [[String: Any]])?.first?["class"]) as? String, "7")
    }

    /// Ctrl-C stops training with exit 130, keeps the last finished epoch's checkpoint and says how
    /// to continue; --resume then finishes the run.
    func testInterruptKeepsTheLastEpochAndResumes() throws {
        let data = try makeDataset()
        let runDir = dir.appendingPathComponent("int").path
        let (p, out, err) = try ToolRunner.start("image-classifier", ["train", "--data", data, "--epochs", "200", "--batch-size", "4", "--out", runDir])
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: runDir + "/metrics.jsonl") && p.isRunning && Date() < deadline { usleep(20_000) }
        guard p.isRunning else { throw XCTSkip("training ended before it could be interrupted") }
        kill(p.processIdentifier, SIGINT)
        let (code, o, e) = ToolRunner.finish(p, out, err)
        XCTAssertEqual(code, 130, e)
        XCTAssertTrue(o.contains("image-classifier train --resume \(runDir)"), o)
        let epochs = try String(contentsOfFile: runDir + "/metrics.jsonl", encoding: .utf8).split(separator: "\n").count
        XCTAssertGreaterThanOrEqual(epochs, 1)
        let (rc, ro, re) = try run(["train", "--resume", runDir, "--epochs", "\(epochs + 1)"])
        XCTAssertEqual(rc, 0, re)
        XCTAssertTrue(ro.contains("after \(epochs + 1) epochs"), ro)
    }
}

import ArgumentParser
import Foundation
import Logging
import CLI
import Showcase
import NeuralCore
import CommandLineErrors

/// The web showcase: every program live in a browser, served by the bundled models.
@main
struct DeepMediaShowcase: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deepmedia-showcase",
        abstract: "Serve every DeepMedia program as a page in the browser, for a lecture (offline, bundled models).",
        discussion: """
            Open the printed URL. Loopback only by default; --host 0.0.0.0 makes the pages reachable from the \
            network (a lecture hall's projector machine, phones in the room). The JSON API the pages use is \
            under /api/ (docs/SHOWCASE.md). Ctrl-C stops the server.
            """,
        version: deepMediaVersion)

    @Option(help: "Address to listen on (127.0.0.1: this machine only; 0.0.0.0: every network interface).") var host = "127.0.0.1"
    @Option(parsing: .unconditional, help: "Port (0: any free port).") var port = 8080
    @Option(help: "Folder with the six model files (default: the bundled Assets/models).") var models: String?
    @Option(name: .customLong("threads"), parsing: .unconditional, help: "Requests computed at once, one thread each (default: one per physical core).")
    var threads: Int?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
        if let t = threads, !(1...1024).contains(t) { throw ValidationError("--threads must be in 1...1024") }
        guard !host.isEmpty, host.count <= 255 else { throw ValidationError("--host must name an address") }
    }

    func run() async throws {
        // Requests run side by side, each on one thread: on 2 cores wrk measured 167 classifier
        // answers/s this way against 100 with each request split over both cores (the split's
        // workers wait for regions that other requests hold), and the same single-request latency.
        Parallel.threads = 1
        var options = ShowcaseOptions()
        options.host = host; options.port = port; options.models = models; options.computeWidth = threads ?? CPUInfo.cores
        let services = try ShowcaseServices(models: try ShowcaseModels(folder: models), computeWidth: options.computeWidth)
        var logger = Logger(label: "deepmedia-showcase")
        logger.logLevel = .warning
        let reach = host == "127.0.0.1" || host == "localhost" || host == "::1" ? "this machine only" : "reachable from the network"
        let app = try buildApplication(options, services: services, logger: logger) { actual in
            let shown = host == "0.0.0.0" ? "127.0.0.1" : host
            print("deepmedia-showcase: http://\(shown):\(actual)/ (listening on \(host), \(reach); Ctrl-C stops)")
            fflush(stdout)
        }
        do { try await app.runService() } catch {
            throw CommandLineError("cannot serve on \(host):\(port): \(error)")
        }
    }
}

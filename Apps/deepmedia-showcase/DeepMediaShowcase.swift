import ArgumentParser
import Foundation
import Logging
import CLI
import Showcase

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
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
        guard !host.isEmpty, host.count <= 255 else { throw ValidationError("--host must name an address") }
    }

    func run() async throws {
        try common.apply()
        var options = ShowcaseOptions()
        options.host = host; options.port = port; options.models = models; options.computeWidth = common.threads
        let services = try ShowcaseServices(models: try ShowcaseModels(folder: models), computeWidth: common.threads)
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

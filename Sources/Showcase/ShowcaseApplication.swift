import Foundation
import Hummingbird
import NeuralCore
import Logging
import RunKit

/// How the showcase is started: where it listens, which models it serves, where its pages are.
public struct ShowcaseOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// A folder with the six model files (default: the bundled Assets/models).
    public var models: String? = nil
    /// Requests computed at once (default: the active cores).
    public var computeWidth = CPUInfo.cores
    /// The static pages (default: Assets/showcase).
    public var pages: String? = nil
    public init() {}
}

/// The pages' folder: Assets/showcase of the bundled assets.
public func showcasePages(_ options: ShowcaseOptions) throws -> String {
    let folder = options.pages ?? (BundledAssets.folder as NSString).appendingPathComponent("showcase")
    guard FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("index.html")) else {
        throw AppError.badInput(folder, "has no index.html (the showcase's pages are in Assets/showcase)")
    }
    return folder
}

/// Every route: the JSON API under /api/ and the static pages. Used by main and by the
/// in-process tests.
public func buildRouter(_ services: ShowcaseServices, pages: String) -> Router<ShowcaseContext> {
    let router = Router(context: ShowcaseContext.self)
    var filesLog = Logger(label: "deepmedia-showcase.files")
    filesLog.logLevel = .warning
    router.middlewares.add(JSONErrorMiddleware(uploads: services.uploads))
    router.middlewares.add(FileMiddleware(pages, searchForIndexHtml: true, logger: filesLog))
    router.get("/api/health") { _, _ in ["status": "ok"] }
    ClassifierRoutes(services: services).register(on: router)
    CharRNNRoutes(services: services).register(on: router)
    DenoiserRoutes(services: services).register(on: router)
    TaggerRoutes(services: services).register(on: router)
    GANRoutes(services: services).register(on: router)
    LabRoutes(services: services).register(on: router)
    return router
}

/// The application main runs: models loaded, routes built, listening where the options say.
/// `onRunning(port)` is called once it listens (the port the system chose for port 0).
public func buildApplication(_ options: ShowcaseOptions, services: ShowcaseServices, logger: Logger? = nil,
                             onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
    let router = buildRouter(services, pages: try showcasePages(options))
    return Application(router: router,
                       configuration: .init(address: .hostname(options.host, port: options.port), serverName: "deepmedia-showcase"),
                       onServerRunning: { await onRunning($0.localAddress?.port ?? options.port) },
                       logger: logger)
}

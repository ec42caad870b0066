import Foundation
import Hummingbird

/// The training lab: POST /api/lab (a new model of your own: the point set and its first
/// state), POST /api/lab/{id}/step (train some steps, the new boundary), DELETE /api/lab/{id}.
struct LabRoutes {
    struct Created: ResponseEncodable, Sendable {
        var id: String
        var settings: LabSettings
        /// (x, y, class) per point.
        var points: [[Float]]
        var state: LabSession.State
    }
    struct Steps: Codable, Sendable { var steps: Int }
    struct Stepped: ResponseEncodable, Sendable { var id: String; var state: LabSession.State }
    struct Deleted: ResponseEncodable, Sendable { var deleted: Bool }

    let services: ShowcaseServices

    func register(on router: Router<ShowcaseContext>) {
        let lab = services.lab, compute = services.compute
        router.post("/api/lab") { request, context -> Created in
            let settings = try await request.decode(as: LabSettings.self, context: context)
            let (id, session) = await lab.create(settings)
            return try await compute.run {
                let state = session.train(steps: 0)
                let p = session.points.scalars
                return Created(id: id, settings: settings, points: session.labels.indices.map { [p[2 * $0], p[2 * $0 + 1], Float(session.labels[$0])] }, state: state)
            }
        }
        router.post("/api/lab/:id/step") { request, context -> Stepped in
            let id = try context.parameters.require("id")
            let steps = try checked(try await request.decode(as: Steps.self, context: context).steps, "steps", in: 0...ShowcaseLimits.labStepsPerRequest)
            let session = try await lab.session(id)
            return Stepped(id: id, state: try await compute.run { session.train(steps: steps) })
        }
        router.delete("/api/lab/:id") { _, context -> Deleted in
            let id = try context.parameters.require("id")
            guard await lab.remove(id) else { throw APIError(.notFound, "no lab model \(id.prefix(40))") }
            return Deleted(deleted: true)
        }
    }
}

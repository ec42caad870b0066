import Foundation
import Hummingbird
import RunKit
import MediaIO
import Require

/// A client's mistake: its status and one line saying what was wrong, sent as {"error": "..."}.
public struct APIError: Error, HTTPResponseError, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let message: String

    public init(_ status: HTTPResponse.Status = .badRequest, _ message: String) { self.status = status; self.message = message }

    public var description: String { message }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Self.json(status: status, message: message)
    }

    static func json(status: HTTPResponse.Status, message: String) -> Response {
        let body = (try? JSONEncoder().encode(["error": message])) ?? Data(#"{"error":"error"}"#.utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Turns every error below a route into a JSON answer: the Kits' and MediaIO's refusals of bad
/// input are 400s (with the server's own file names taken out), oversized bodies 413, unknown
/// routes 404, anything else 500 with no internals.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let uploads: UploadFolder

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as APIError {
            return APIError.json(status: e.status, message: e.message)
        } catch let e as HTTPError {
            return APIError.json(status: e.status, message: Self.snakeCased(e.body ?? e.status.reasonPhrase.lowercased()))
        } catch let e as any HTTPResponseError {
            let message = e.status == .contentTooLarge ? "the request body is larger than \(ShowcaseLimits.uploadBytes >> 20) MB" : e.status.reasonPhrase.lowercased()
            return APIError.json(status: e.status, message: message)
        } catch let e as AppError {
            return APIError.json(status: .badRequest, message: uploads.scrub("\(e)"))
        } catch let e as MediaError {
            return APIError.json(status: .badRequest, message: uploads.scrub("\(e)"))
        } catch let e as SettingsError {
            return APIError.json(status: .badRequest, message: e.message())
        } catch is DecodingError {
            return APIError.json(status: .badRequest, message: "the JSON body does not have the fields and types this route takes (docs/SHOWCASE.md)")
        } catch {
            context.logger.error("\(request.method) \(request.uri.path): \(error)")
            return APIError.json(status: .internalServerError, message: "the server could not answer this request")
        }
    }

    /// JSON decoding errors name Swift's camelCase keys in backquotes; the API's are snake_case.
    /// Quoted names that start upper-case are types (`Int`) and stay.
    static func snakeCased(_ message: String) -> String {
        message.split(separator: "`", omittingEmptySubsequences: false).enumerated().map { k, part in
            guard k % 2 == 1, part.first?.isLowercase == true else { return String(part) }
            return part.map { $0.isUppercase ? "_" + $0.lowercased() : String($0) }.joined()
        }.joined(separator: "`")
    }
}

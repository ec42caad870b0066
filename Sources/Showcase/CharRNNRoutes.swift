import Foundation
import Hummingbird
import Synchronization
import CharRNNKit

/// The text model: POST /api/charrnn/generate (the whole text as JSON), GET /api/charrnn/stream
/// (the same as server-sent events, one character per event), POST /api/charrnn/cells (the
/// activation of a few telling cells at every character of a text).
struct CharRNNRoutes {
    struct Generate: Codable, Sendable {
        var prime = "ROMEO:"
        var length = 400
        var temperature: Float = 0.8
        var topK: Int? = nil
        var seed: UInt64 = 1

        init() {}
        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            prime = try c.decodeIfPresent(String.self, forKey: .prime) ?? prime
            length = try c.decodeIfPresent(Int.self, forKey: .length) ?? length
            temperature = try c.decodeIfPresent(Float.self, forKey: .temperature) ?? temperature
            topK = try c.decodeIfPresent(Int.self, forKey: .topK)
            seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
            try validate()
        }
        init(_ q: QueryValues) throws {
            prime = q.string("prime") ?? prime
            length = try q.int("length", default: length, in: 1...ShowcaseLimits.maxCharacters)
            temperature = try q.float("temperature", default: temperature, in: 0...3)
            topK = q.string("top_k") == nil ? nil : try q.int("top_k", default: 0, in: 1...1000)
            seed = UInt64(try q.int("seed", default: 1, in: 0...Int.max))
            try validate()
        }
        func validate() throws {
            _ = try checked(length, "length", in: 1...ShowcaseLimits.maxCharacters)
            _ = try checked(temperature, "temperature", in: 0...3)
            _ = try checked(prime.unicodeScalars.count, "prime's length", in: 0...2000)
            if let k = topK { _ = try checked(k, "top_k", in: 1...1000) }
        }
    }
    struct Text: ResponseEncodable, Sendable { var prime: String; var text: String; var seed: UInt64 }
    struct Cells: Codable, Sendable { var text: String }
    struct Cell: Codable, Sendable { var layer: Int; var index: Int; var reason: String; var values: [Float] }
    struct CellAnswer: ResponseEncodable, Sendable { var characters: [String]; var cells: [Cell] }

    let services: ShowcaseServices

    func register(on router: Router<ShowcaseContext>) {
        let model = services.models.charRNN, compute = services.compute
        router.post("/api/charrnn/generate") { request, context -> Text in
            let g = try await request.decode(as: Generate.self, context: context)
            return try await compute.run {
                var out = ""
                model.generate(prime: Array(g.prime.unicodeScalars), length: g.length, temperature: g.temperature,
                               topK: g.topK, seed: g.seed) { out.unicodeScalars.append($0) }
                return Text(prime: g.prime, text: out, seed: g.seed)
            }
        }
        router.get("/api/charrnn/stream") { request, _ -> Response in
            let g = try Generate(QueryValues(request))
            return Self.stream(g, model: model, compute: compute)
        }
        router.post("/api/charrnn/cells") { request, context -> CellAnswer in
            let text = try await request.decode(as: Cells.self, context: context).text
            _ = try checked(text.unicodeScalars.count, "text's length", in: 1...4000)
            return try await compute.run {
                let scalars = Array(text.unicodeScalars)
                let cells = CellActivations(model: model, text: scalars).pickCells(count: 6)
                return CellAnswer(characters: scalars.map { String($0) },
                                  cells: cells.map { Cell(layer: $0.layer, index: $0.index, reason: $0.reason, values: $0.values) })
            }
        }
    }

    /// Server-sent events: `data: "<character>"` per character, then `event: done`. A reader
    /// that goes away stops the generation at the next character.
    static func stream(_ g: Generate, model: CharRNNModel, compute: ComputePool) -> Response {
        let stop = StopFlag()
        let (characters, sink) = AsyncStream.makeStream(of: String.self)
        sink.onTermination = { _ in stop.set() }
        Task {
            _ = try? await compute.run {
                model.generate(prime: Array(g.prime.unicodeScalars), length: g.length, temperature: g.temperature,
                               topK: g.topK, seed: g.seed, shouldStop: { stop.isSet }) { sink.yield(String($0)) }
                sink.finish()
            }
        }
        let body = ResponseBody { writer in
            defer { stop.set() }
            for await c in characters {
                let quoted = String(decoding: try JSONEncoder().encode(c), as: UTF8.self)
                try await writer.write(ByteBuffer(string: "data: \(quoted)\n\n"))
            }
            try await writer.write(ByteBuffer(string: "event: done\ndata: {}\n\n"))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }
}

/// A flag one thread sets and another reads.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}

import Foundation

/// The training lab's live models by id: each viewer trains one of their own. At most
/// `ShowcaseLimits.labSessions` are kept (the least recently used goes first); one idle for
/// `labIdleSeconds` is dropped.
public actor LabSessions {
    private var sessions: [String: (session: LabSession, used: Date)] = [:]

    public init() {}

    public var count: Int { sessions.count }

    public func create(_ settings: LabSettings) -> (id: String, session: LabSession) {
        expire()
        if sessions.count >= ShowcaseLimits.labSessions, let oldest = sessions.min(by: { $0.value.used < $1.value.used })?.key {
            sessions[oldest] = nil
        }
        let id = UUID().uuidString.lowercased()
        let s = LabSession(settings)
        sessions[id] = (s, Date())
        return (id, s)
    }

    public func session(_ id: String) throws -> LabSession {
        expire()
        guard let s = sessions[id] else { throw APIError(.notFound, "no lab model \(id.prefix(40)) (it expires after \(Int(ShowcaseLimits.labIdleSeconds / 60)) idle minutes): create one with POST /api/lab") }
        sessions[id]?.used = Date()
        return s.session
    }

    @discardableResult public func remove(_ id: String) -> Bool { sessions.removeValue(forKey: id) != nil }

    private func expire() {
        let now = Date()
        sessions = sessions.filter { now.timeIntervalSince($0.value.used) < ShowcaseLimits.labIdleSeconds }
    }
}

import IKEv2
import IKEv2HA

/// `ikev2 failover --follow`: one line per finding as soon as the analyzer knows it, as JSON
/// (`{"sa": {"spi_i", "spi_r"}, "frame", "time", "finding", ...}`) or as text for a terminal.
public struct FailoverStreamRenderer: Sendable {
    public var json: Bool

    public init(json: Bool) {
        self.json = json
    }

    public func render(_ f: FailoverStreamFinding, into out: inout OutputBuffer) {
        switch f {
        case .anomaly(let i, let r, let a, let t):
            line(i, r, frame: a.frame, time: t, what: "anomaly", kind: a.kind.rawValue, text: FailoverWording.fact(a.fact), into: &out)
        case .timeline(let i, let r, let e):
            line(i, r, frame: e.frame, time: e.timeNanos, what: "timeline", kind: e.kind.rawValue, text: FailoverWording.note(e), into: &out)
        case .evidence(let i, let r, let side, let e):
            line(i, r, frame: e.frame, time: e.timeNanos, what: "takeover-evidence", kind: FailoverWording.evidenceKind(e),
                 text: "\(side.rawValue) side: \(FailoverWording.evidence(e))", into: &out)
        case .retired(let i, let r):
            line(i, r, frame: nil, time: nil, what: "sa-final", kind: "retired", text: "the IKE SA ended; its report is final", into: &out)
        }
    }

    func line(_ i: UInt64, _ r: UInt64, frame: Int?, time: Int64?, what: String, kind: String, text: String,
              into out: inout OutputBuffer) {
        if json {
            out.append("{\"sa\":{\"spi_i\":\""); out.hex(i, width: 16); out.append("\",\"spi_r\":\""); out.hex(r, width: 16)
            out.append("\"},"); out.key("frame")
            if let frame { out.decimal(frame) } else { out.append("null") }
            out.append(",\"time\":")
            if let time { out.append("\""); Timestamp.rfc3339(time, into: &out); out.append("\"") } else { out.append("null") }
            out.append(","); out.key("finding"); out.jsonString(what)
            out.append(","); out.key("kind"); out.jsonString(kind)
            out.append(","); out.key("detail"); out.jsonString(text)
            out.append("}\n")
        } else {
            out.append(frame.map { "frame \($0) " } ?? "")
            out.hex(i, width: 16); out.append("/"); out.hex(r, width: 16)
            out.append(" \(what) \(kind): \(text)\n")
        }
    }
}

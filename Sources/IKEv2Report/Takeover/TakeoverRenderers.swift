// Text and JSON for a `TakeoverOutcome`.

import IKEv2
import IKEv2HA

package enum TakeoverRenderer {
    /// One JSON object (no trailing newline).
    package static func json(_ o: TakeoverOutcome, options: TakeoverOptions) -> String {
        // The keys of RFC 6311 §6.3 (the JSON contract asks for them for a reset too).
        let k = MessageIDSyncData.fieldKeys(reset: false)
        func data(_ d: MessageIDSyncData) -> String {
            "{\"\(k.nonce)\":\"0x\(Hex.fixed(UInt64(d.nonce), width: 8))\",\"\(k.send)\":\(d.expectedSend),\"\(k.recv)\":\(d.expectedRecv)}"
        }
        var s = "{\"sa\":\"\(options.keys.saName)\",\"role\":\"\(options.role.rawValue)\""
        s += ",\"local\":\"\(options.local)\",\"peer\":\"\(options.peer)\""
        let key = o.procedure == .sync ? "sync" : "reset"
        s += ",\"\(key)\":{\"request\":\(data(o.request))"
        s += ",\"answered\":\(o.answer == .answered),\"peer_answer\":\"\(o.answer.name)\""
        if case .errorNotify(let t) = o.answer { s += ",\"error_notify\":\(t.rawValue)" }
        s += ",\"nonce_echoed\":\(o.nonceEchoed)"
        s += ",\"response\":" + (o.response.map(data) ?? "null")
        if o.procedure == .sync { s += ",\"rfc_maxima_obeyed\":" + (o.rfcMaximaObeyed.map { "\($0)" } ?? "null") }
        s += ",\"transmissions\":\(o.transmissions),\"response_ms\":" + (o.responseMilliseconds.map { "\($0)" } ?? "null")
        s += ",\"problems\":[" + o.problems.map { "\"\(escape($0))\"" }.joined(separator: ",") + "]}"
        s += ",\"peer_requests_before_sync\":[" + o.earlyRequests.map {
            "{\"message_id\":\($0.messageID),\"exchange\":\"\(escape($0.exchange.description))\"}"
        }.joined(separator: ",") + "]"
        let liveID = o.liveness.transmissions > 0 ? "\(o.liveness.messageID)" : "null"
        s += ",\"liveness\":{\"message_id\":\(liveID),\"answered\":\(o.liveness.answered)"
        s += ",\"transmissions\":\(o.liveness.transmissions),\"response_ms\":" + (o.liveness.milliseconds.map { "\($0)" } ?? "null") + "}"
        s += ",\"serve\":{\"seconds\":\(o.serve.seconds),\"requests_answered\":[" + o.serve.requestsAnswered.map { "\($0)" }.joined(separator: ",")
        s += "],\"retransmissions_answered\":\(o.serve.retransmissionsAnswered),\"dropped\":\(o.serve.dropped)}"
        s += ",\"counters\":{\"next_request_id\":\(o.counters.nextSend),\"peer_next_request_id\":\(o.counters.nextExpected)}"
        s += ",\"packets\":{\"sent\":\(o.packetsSent),\"received\":\(o.packetsReceived)}"
        s += ",\"succeeded\":\(o.succeeded)}"
        return s
    }

    /// Human-readable lines.
    package static func text(_ o: TakeoverOutcome, options: TakeoverOptions) -> String {
        func d(_ x: MessageIDSyncData) -> String {
            "nonce 0x\(Hex.fixed(UInt64(x.nonce), width: 8)), expected send \(x.expectedSend), expected recv \(x.expectedRecv)"
        }
        let name = o.procedure == .sync ? "IKEV2_MESSAGE_ID_SYNC" : "IKEV2_MESSAGE_ID_RESET"
        var lines: [String] = []
        lines.append("IKE SA \(options.keys.saName), taking over the \(options.role.rawValue), \(options.local) -> \(options.peer)")
        lines.append("\(name) request (Message ID 0): \(d(o.request)); \(o.transmissions) transmission(s)")
        for e in o.earlyRequests {
            lines.append("  peer request before the procedure completed: \(e.exchange) Message ID \(e.messageID)")
        }
        switch o.answer {
        case .answered:
            if let r = o.response { lines.append("  answered: \(d(r))" + (o.responseMilliseconds.map { " after \($0) ms" } ?? "")) }
            lines.append("  nonce echoed: \(o.nonceEchoed ? "yes" : "no")")
            if let m = o.rfcMaximaObeyed { lines.append("  RFC 6311 §5.1 maxima obeyed: \(m ? "yes" : "no")") }
        case .emptyResponse: lines.append("  answered with an empty response (no \(name))")
        case .errorNotify(let t): lines.append("  answered with error notify \(t)")
        case .noResponse: lines.append("  no answer")
        }
        for p in o.problems { lines.append("  problem: \(p)") }
        if o.liveness.transmissions == 0 {
            lines.append("liveness: not checked (the peer agreed to no counters)")
        } else {
            lines.append("liveness (empty INFORMATIONAL, Message ID \(o.liveness.messageID)): "
                         + (o.liveness.answered ? "answered" : "no answer") + ", \(o.liveness.transmissions) transmission(s)")
        }
        if o.serve.seconds > 0 {
            lines.append("served \(o.serve.seconds) s: answered requests \(o.serve.requestsAnswered.map { "\($0)" }.joined(separator: ", ")), "
                         + "\(o.serve.retransmissionsAnswered) retransmission(s) from the saved response, \(o.serve.dropped) dropped")
        }
        lines.append("counters now: next request \(o.counters.nextSend), next expected from the peer \(o.counters.nextExpected)")
        lines.append("packets: \(o.packetsSent) sent, \(o.packetsReceived) received")
        return lines.joined(separator: "\n")
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if u.value < 0x20 { out += "\\u" + Hex.fixed(UInt64(u.value), width: 4) } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }
}

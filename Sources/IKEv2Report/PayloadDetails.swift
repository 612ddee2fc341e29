import IKEv2

/// Type-specific fields of the payloads with sub-structures (SA, TS, CP), shared by the JSON
/// and text renderers. Errors in a sub-structure propagate with their path and offset.
enum PayloadDetails {
    static func fields(_ p: borrowing PayloadView) throws(IKEError) -> [Field] {
        switch p.type {
        case .securityAssociation: return try sa(p)
        case .trafficSelectorInitiator, .trafficSelectorResponder: return try ts(p)
        case .configuration: return try cp(p)
        default: return []
        }
    }

    static func sa(_ p: borrowing PayloadView) throws(IKEError) -> [Field] {
        let sa: SAView
        do { sa = try SAView(body: p.body, baseOffset: p.bodyOffset) } catch { throw error.within(p.pathName) }
        var proposals: [FieldValue] = []
        var it = sa.proposals
        while true {
            let next: ProposalView?
            do { next = try it.next() } catch { throw error.within(p.pathName) }
            guard let prop = next else { break }
            var transforms: [FieldValue] = []
            var tit = prop.transforms
            while true {
                let tn: TransformView?
                do { tn = try tit.next() } catch { throw error.within(p.pathName) }
                guard let t = tn else { break }
                var tf: [Field] = [
                    Field("type", .number(UInt64(t.type.rawValue))),
                    Field("type_name", .string(t.type.description)),
                    Field("id", .number(UInt64(t.id))),
                    Field("id_name", .string(t.idName ?? "Unknown(\(t.id))")),
                ]
                if let k = t.keyLength { tf.append(Field("key_length", .number(UInt64(k)))) }
                transforms.append(.object(tf))
            }
            proposals.append(.object([
                Field("number", .number(UInt64(prop.number))),
                Field("protocol_id", .number(UInt64(prop.protocolID.rawValue))),
                Field("protocol_name", .string(prop.protocolID.description)),
                Field("spi", .hex(prop.spi.copyBytes())),
                Field("transforms", .list(transforms)),
            ]))
        }
        return [Field("proposals", .list(proposals))]
    }

    static func ts(_ p: borrowing PayloadView) throws(IKEError) -> [Field] {
        let v: TrafficSelectorsView
        do { v = try TrafficSelectorsView(body: p.body, baseOffset: p.bodyOffset) } catch { throw error.within(p.pathName) }
        var out: [FieldValue] = []
        var it = v.selectors
        while true {
            let next: TrafficSelectorView?
            do { next = try it.next() } catch { throw error.within(p.pathName) }
            guard let s = next else { break }
            var f: [Field] = [
                Field("ts_type", .number(UInt64(s.type.rawValue))),
                Field("ts_type_name", .string(s.type.description)),
                Field("ip_protocol", .number(UInt64(s.ipProtocolID))),
            ]
            if let sp = s.startPort, let ep = s.endPort {
                f.append(Field("start_port", .number(UInt64(sp))))
                f.append(Field("end_port", .number(UInt64(ep))))
                f.append(Field("start_address", .string(addressText(s.startAddress))))
                f.append(Field("end_address", .string(addressText(s.endAddress))))
            } else {
                f.append(Field("content", .hex(s.content.copyBytes())))
            }
            out.append(.object(f))
        }
        return [Field("selectors", .list(out))]
    }

    static func cp(_ p: borrowing PayloadView) throws(IKEError) -> [Field] {
        let v: ConfigurationView
        do { v = try ConfigurationView(body: p.body, baseOffset: p.bodyOffset) } catch { throw error.within(p.pathName) }
        var attrs: [FieldValue] = []
        var it = v.attributes
        while true {
            let next: ConfigAttributeView?
            do { next = try it.next() } catch { throw error.within(p.pathName) }
            guard let a = next else { break }
            attrs.append(.object([
                Field("type", .number(UInt64(a.type.rawValue))),
                Field("type_name", .string(a.type.description)),
                Field("value", .hex(a.value.copyBytes())),
            ]))
        }
        return [
            Field("cfg_type", .number(UInt64(v.cfgType.rawValue))),
            Field("cfg_type_name", .string(v.cfgType.description)),
            Field("attributes", .list(attrs)),
        ]
    }

    static func addressText(_ span: RawSpan) -> String {
        span.withUnsafeBytes { b in
            if b.count == 4 { return b.map { String($0) }.joined(separator: ".") }
            if b.count == 16 {
                return stride(from: 0, to: 16, by: 2).map { String(UInt16(b[$0]) << 8 | UInt16(b[$0 + 1]), radix: 16) }
                    .joined(separator: ":")
            }
            return Hex.encode(b)
        }
    }
}

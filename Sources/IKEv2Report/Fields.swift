import IKEv2

/// A rendered field value: what JSON, text and line renderers share for typed sub-structures.
enum FieldValue: Sendable, Hashable {
    case number(UInt64)
    case hex([UInt8])
    case string(String)
    case bool(Bool)
    case list([FieldValue])
    case object([Field])
}

/// A named field, in display order.
struct Field: Sendable, Hashable {
    var key: String
    var value: FieldValue
    init(_ key: String, _ value: FieldValue) {
        self.key = key
        self.value = value
    }
}

enum FieldRendering {
    /// A JSON object from fields.
    static func json(_ fields: [Field], into out: inout OutputBuffer) {
        out.byte(UInt8(ascii: "{"))
        for (i, f) in fields.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.key(f.key)
            json(f.value, into: &out)
        }
        out.byte(UInt8(ascii: "}"))
    }

    static func json(_ v: FieldValue, into out: inout OutputBuffer) {
        switch v {
        case .number(let n): out.decimal(n)
        case .hex(let b): out.byte(UInt8(ascii: "\"")); out.hex(bytes: b); out.byte(UInt8(ascii: "\""))
        case .string(let s): out.jsonString(s)
        case .bool(let b): out.bool(b)
        case .list(let items):
            out.byte(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.byte(UInt8(ascii: ",")) }
                json(item, into: &out)
            }
            out.byte(UInt8(ascii: "]"))
        case .object(let fields): json(fields, into: &out)
        }
    }

    /// `key=value` pairs for the line format.
    static func compact(_ v: FieldValue) -> String {
        switch v {
        case .number(let n): String(n)
        case .hex(let b): Hex.encode(b)
        case .string(let s): s
        case .bool(let b): b ? "yes" : "no"
        case .list(let items): items.map(compact).joined(separator: ",")
        case .object(let fields): fields.map { "\($0.key)=\(compact($0.value))" }.joined(separator: " ")
        }
    }
}

/// What the notify decoder made of a notify's data, for display.
enum NotifyDisplayResult {
    /// Not a typed notify: only raw data is shown.
    case none
    case decoded([Field])
    /// A typed notify whose data breaks its layout (shown raw, plus the error).
    case invalid(IKEError)
}

/// Adapts the codec's typed notify decoding (`NotifyDecoder`, which knows the configurable
/// reset-extension numbers) to display fields.
struct NotifyDisplay: Sendable {
    var decoder: NotifyDecoder
    init(decoder: NotifyDecoder = NotifyDecoder()) { self.decoder = decoder }

    /// The notify type's name, including the configured private reset numbers.
    func name(_ type: NotifyType) -> String { decoder.name(of: type) }

    /// Typed notify data as `Field`s (text renderer). The keys come from `NotifyDetails`.
    func decode(_ n: borrowing NotifyView) -> NotifyDisplayResult {
        switch typed(n) {
        case .none: return .none
        case .invalid(let e): return .invalid(e)
        case .decoded(let data):
            var b = FieldBuilder()
            NotifyDetails.emit(data, into: &b)
            return .decoded(b.fields)
        }
    }

    /// The decoded notify data itself, for renderers that walk it directly (`NotifyDetails`).
    func typed(_ n: borrowing NotifyView) -> TypedNotify {
        let data: NotifyData
        do { data = try decoder.decode(n) } catch { return .invalid(error) }
        return data.isRaw ? .none : .decoded(data)
    }
}

/// `NotifyDecoder`'s result, before any display conversion.
enum TypedNotify {
    /// Not a typed notify (`NotifyData.raw`).
    case none
    case decoded(NotifyData)
    /// A typed notify whose data breaks its layout.
    case invalid(IKEError)
}

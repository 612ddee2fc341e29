// SA payload (33), RFC 7296 §3.3: a list of Proposal substructures (§3.3.1, Proposal.swift),
// each with a list of Transform substructures (§3.3.2, Transform.swift), each with Transform
// Attributes (§3.3.5, TransformAttribute.swift). Each file holds its substructure's iterator and
// view, its owned value and the owned value's writer.
//
// The views walk the bytes lazily and allocate nothing; error paths are built only when thrown.
// Every structural rule of RFC 7296 §3.3 is checked by the iterators themselves, so a caller that
// iterates gets the same guarantees as `validate()`.

/// Resource bounds on SA substructures (not wire rules; a 64 KiB body could hold 8 Ki proposals).
public enum SALimits {
    /// Most proposals accepted in one SA payload.
    @inlinable public static var maxProposals: Int { 256 }
    /// Most attributes accepted in one transform.
    @inlinable public static var maxAttributes: Int { 64 }
}

@usableFromInline
func saPath(_ proposal: Int, _ transform: Int = 0, _ attribute: Int = 0) -> String {
    var s = "proposal \(proposal)"
    if transform > 0 { s += " > transform \(transform)" }
    if attribute > 0 { s += " > attribute \(attribute)" }
    return s
}

/// A view of an SA payload body (RFC 7296 §3.3). Construction checks nothing; `proposals`
/// checks each proposal as it is reached, and `validate()` walks everything.
public struct SAView: ~Escapable {
    public let body: RawSpan
    /// Absolute offset of `body` in the parsed buffer.
    public let baseOffset: Int

    @inlinable
    @_lifetime(copy body)
    public init(body: RawSpan, baseOffset: Int) throws(IKEError) {
        self.body = body
        self.baseOffset = baseOffset
    }

    /// The proposals, in order.
    public var proposals: ProposalIterator {
        @inlinable @inline(__always) @_lifetime(copy self) get { ProposalIterator(body: body, baseOffset: baseOffset) }
    }

    /// Walks every proposal, transform and attribute, throwing the first error. Allocation-free
    /// on success.
    public func validate() throws(IKEError) {
        var it = proposals
        while let p = try it.next() {
            try p.validate()
        }
    }
}

/// An owned SA payload body (RFC 7296 §3.3).
public struct SAPayload: Hashable, Sendable {
    public var proposals: [Proposal]

    public init(proposals: [Proposal]) { self.proposals = proposals }

    /// Copies and fully validates a parsed SA body.
    public init(_ v: borrowing SAView) throws(IKEError) {
        var out: [Proposal] = []
        var it = v.proposals
        while let p = try it.next() { out.append(try Proposal(p)) }
        proposals = out
    }

    public func writeBody(to w: inout ByteWriter) throws(IKEError) {
        for (i, p) in proposals.enumerated() { try p.write(to: &w, last: i == proposals.count - 1) }
    }
}

extension PayloadView {
    /// This payload's body as an SA (the caller checks `type == .securityAssociation`).
    @inlinable
    @_lifetime(copy self)
    public func securityAssociation() throws(IKEError) -> SAView {
        do { return try SAView(body: body, baseOffset: bodyOffset) } catch { throw error.within(pathName) }
    }
}

import Foundation
import Testing

@testable import YunfuReport

/// The wrapper over swift-crypto: the forms the manifests, the raw archive and the signatures use.
@Suite("Digest")
struct DigestTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("SHA-256 as sha256sum prints it, at once and streamed in pieces")
    func sha256() {
        #expect(Digest.sha256Hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.sha256Hex(bytes("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let input = bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
        var stream = Digest.SHA256Stream()
        stream.update(input[..<7])
        stream.update(input[7...])
        #expect(stream.finalize() == Digest.sha256(input))
        #expect(Digest.hex(stream.finalize()) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Digest.hex([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
    }

    @Test("HMAC-SHA256: RFC 4231 cases 1 and 2, and a long key with an empty message (飞书's form)")
    func hmac() {
        #expect(
            Digest.hex(Digest.hmacSHA256(key: [UInt8](repeating: 0x0b, count: 20), message: bytes("Hi There")))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(
            Digest.hex(Digest.hmacSHA256(key: bytes("Jefe"), message: bytes("what do ya want for nothing?")))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // Python: hmac.new(b"k"*64, b"", hashlib.sha256).hexdigest()
        #expect(
            Digest.hex(Digest.hmacSHA256(key: [UInt8](repeating: UInt8(ascii: "k"), count: 64), message: [UInt8]()))
                == "83026a325aaee70e36cfe607536aa1054104ad1077c36134810d4ccded1ccd3b")
    }
}

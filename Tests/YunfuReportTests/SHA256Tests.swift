import Foundation
import Testing

@testable import YunfuReport

@Suite("SHA256")
struct SHA256Tests {
    private func hex(_ bytes: [UInt8]) -> String { SHA256.hexString(bytes) }
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("FIPS 180-4 / NIST example vectors")
    func nistVectors() {
        #expect(SHA256.hexDigest([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hexDigest(bytes("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hexDigest(bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hexDigest(
                bytes(
                    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
                )) == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        #expect(SHA256.hash([UInt8]()).count == 32)
        // `hex` only encodes: the digest in the form `sha256sum` prints.
        #expect(SHA256.hex(SHA256.hash(bytes("abc"))) == SHA256.hexDigest(bytes("abc")))
        #expect(SHA256.hex([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
        #expect(SHA256.hexDigest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("one million 'a' through the incremental API")
    func millionA() {
        var hasher = SHA256Hasher()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(hex(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test(
        "lengths around the padding and block boundaries",
        arguments: [
            (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
            (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
            (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
            (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
            (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
            (127, "c57e9278af78fa3cab38667bef4ce29d783787a2f731d4e12200270f0c32320a"),
            (128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e"),
            (129, "c12cb024a2e5551cca0e08fce8f1c5e314555cc3fef6329ee994a3db752166ae"),
        ])
    func boundaries(length: Int, expected: String) {
        let input = [UInt8](repeating: UInt8(ascii: "a"), count: length)
        #expect(SHA256.hexDigest(input) == expected)
        // A collection without contiguous storage takes the same path to the same digest.
        #expect(SHA256.hexDigest(repeatElement(UInt8(ascii: "a"), count: length)) == expected)
        // Every split into two chunks gives the same digest.
        for split in 0...length {
            var hasher = SHA256Hasher()
            hasher.update(input[0..<split])
            hasher.update(input[split...])
            #expect(hex(hasher.finalize()) == expected, "split at \(split)")
        }
    }

    @Test("byte-at-a-time updates match the one-shot digest")
    func byteAtATime() {
        let input = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var hasher = SHA256Hasher()
        for byte in input { hasher.update([byte]) }
        let digest = hasher.finalize()
        #expect(digest == SHA256.hash(input))
        #expect(hasher.finalize() == digest)
    }

    @Test("RFC 4231 HMAC-SHA256 test cases")
    func rfc4231() {
        #expect(
            hex(SHA256.hmac(key: [UInt8](repeating: 0x0b, count: 20), message: bytes("Hi There")))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(
            hex(SHA256.hmac(key: bytes("Jefe"), message: bytes("what do ya want for nothing?")))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(
            hex(
                SHA256.hmac(
                    key: [UInt8](repeating: 0xaa, count: 20), message: [UInt8](repeating: 0xdd, count: 50)))
                == "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")
        #expect(
            hex(SHA256.hmac(key: Array(1...25), message: [UInt8](repeating: 0xcd, count: 50)))
                == "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b")
        #expect(
            hex(
                Array(
                    SHA256.hmac(key: [UInt8](repeating: 0x0c, count: 20), message: bytes("Test With Truncation"))
                        .prefix(16))) == "a3b6167473100ee06e0c796c2955552b")
        let longKey = [UInt8](repeating: 0xaa, count: 131)
        #expect(
            hex(SHA256.hmac(key: longKey, message: bytes("Test Using Larger Than Block-Size Key - Hash Key First")))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        #expect(
            hex(
                SHA256.hmac(
                    key: longKey,
                    message: bytes(
                        "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."
                    ))) == "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")
    }

    @Test("HMAC with an empty message and an exactly block-sized key")
    func hmacEdges() {
        // Python: hmac.new(b"k"*64, b"", hashlib.sha256).hexdigest()
        let digest = SHA256.hmac(key: [UInt8](repeating: UInt8(ascii: "k"), count: 64), message: [])
        #expect(digest.count == 32)
        #expect(hex(digest) == HMACEdge.blockKeyEmptyMessage)
    }
}

private enum HMACEdge {
    static let blockKeyEmptyMessage = "83026a325aaee70e36cfe607536aa1054104ad1077c36134810d4ccded1ccd3b"
}

import Testing
@testable import Linalg
@Test func smoke() { #expect(Matrix.identity(2) * Matrix([[1,2],[3,4]]) == Matrix([[1,2],[3,4]])) }

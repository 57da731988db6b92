namespace RingIpc;

/// <summary>
/// Implemented by the generator on every <see cref="SharedLayoutAttribute">[SharedLayout]</see> struct:
/// the layout's size and fingerprint, readable from generic code without reflection or boxing
/// (see <see cref="SharedLayoutInfo"/>).
/// </summary>
/// <remarks>Do not implement it by hand: the values must come from the generator.</remarks>
public interface ISharedLayout
{
    /// <summary>The size in bytes, the same in 32-bit and 64-bit processes.</summary>
    int Size { get; }

    /// <summary>
    /// A 64-bit hash of the canonical layout (property names, types, offsets and the size); two
    /// processes agree on the bytes of the struct if and only if (barring collisions) they agree on it.
    /// </summary>
    ulong Fingerprint { get; }
}

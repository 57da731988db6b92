namespace RingIpc;

/// <summary>
/// Reads the generated layout facts of a <see cref="SharedLayoutAttribute">[SharedLayout]</see> struct
/// from generic code, e.g. a typed ring checking its message type when it attaches.
/// </summary>
/// <remarks>
/// The calls are constrained calls on <c>default(T)</c>: no boxing, no reflection, folded to a constant by
/// the JIT, and they work on .NET Framework and Mono (no static abstract interface members needed).
/// </remarks>
public static class SharedLayoutInfo
{
    /// <summary>The size in bytes of <typeparamref name="T"/>'s shared layout.</summary>
    /// <typeparam name="T">A <c>[SharedLayout]</c> struct.</typeparam>
    /// <returns>The generated <c>T.Size</c>.</returns>
    public static int SizeOf<T>()
        where T : struct, ISharedLayout => default(T).Size;

    /// <summary>The layout fingerprint of <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">A <c>[SharedLayout]</c> struct.</typeparam>
    /// <returns>The generated <c>T.Fingerprint</c>.</returns>
    public static ulong FingerprintOf<T>()
        where T : struct, ISharedLayout => default(T).Fingerprint;
}

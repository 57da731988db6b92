namespace RingIpc.Rings;

/// <summary>The message struct of a typed ring, as the header records it: its layout fingerprint and size.</summary>
internal readonly struct MessageLayout(string typeName, ulong fingerprint, int size)
{
    /// <summary>Variable-length bytes: fingerprint 0, size 0.</summary>
    public static MessageLayout Untyped => new("bytes", 0, 0);

    public string TypeName { get; } = typeName;

    public ulong Fingerprint { get; } = fingerprint;

    public int Size { get; } = size;

    public static unsafe MessageLayout Of<T>()
        where T : unmanaged, ISharedLayout => new(typeof(T).FullName ?? typeof(T).Name, SharedLayoutInfo.FingerprintOf<T>(), sizeof(T));
}

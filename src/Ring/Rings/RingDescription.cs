using System;

namespace RingIpc;

/// <summary>
/// Everything that describes one ring: kind, capacity and what follows from it (mask, longest record and
/// message, section length), who may open its files, and the message struct of a typed ring (its name,
/// layout fingerprint and size; "bytes", 0 and 0 for variable-length messages). Built from the caller's
/// options when a ring is created, and from the validated header when one is opened.
/// </summary>
internal readonly struct RingDescription
{
    /// <summary>The name used for an untyped ring's messages.</summary>
    public const string UntypedName = "bytes";

    public RingDescription(RingKind kind, int capacity, SectionAccess access, string messageTypeName, ulong messageFingerprint, int messageSize, long initialPosition = 0)
    {
        InitialPosition = initialPosition;
        Kind = kind;
        Capacity = capacity;
        Access = access;
        MessageTypeName = messageTypeName;
        MessageFingerprint = messageFingerprint;
        MessageSize = messageSize;
    }

    public RingKind Kind { get; }

    /// <summary>Bytes in the data area: a power of two from 4 KiB to 1 GiB.</summary>
    public int Capacity { get; }

    public SectionAccess Access { get; }

    /// <summary>The message struct's name, for errors ("bytes" for an untyped ring).</summary>
    public string MessageTypeName { get; }

    /// <summary>The message struct's layout fingerprint; 0 for untyped bytes.</summary>
    public ulong MessageFingerprint { get; }

    /// <summary>Every message's size; 0 for variable-length messages.</summary>
    public int MessageSize { get; }

    /// <summary>Where head and tail start in a new ring (0; tests start high, to cross 2^32).</summary>
    public long InitialPosition { get; }

    /// <summary>Turns a position into an index in the data area.</summary>
    public int Mask => Capacity - 1;

    /// <summary>The longest record, header included: capacity / 8, as in Agrona.</summary>
    public int MaxRecordLength => RecordLayout.MaxRecordLength(Capacity);

    /// <summary>The longest message payload: capacity / 8 − 8.</summary>
    public int MaxMessageLength => RecordLayout.MaxMessageLength(Capacity);

    /// <summary>The section's length: the header page and the data area.</summary>
    public long SectionLength => RingHeader.SectionLength(Capacity);

    /// <summary>A new ring of variable-length messages, as <paramref name="options"/> ask.</summary>
    /// <exception cref="ArgumentException">An unknown kind, or a capacity that is not a power of two in range.</exception>
    public static RingDescription Untyped(RingOptions? options) => FromOptions(options, UntypedName, 0, 0);

    /// <summary>A new typed ring for <typeparamref name="T"/>, as <paramref name="options"/> ask.</summary>
    /// <exception cref="ArgumentException">As <see cref="Untyped"/>, or <typeparamref name="T"/> is longer than the longest message.</exception>
    public static unsafe RingDescription For<T>(RingOptions? options)
        where T : unmanaged, ISharedLayout =>
        FromOptions(options, TypeNameOf<T>(), SharedLayoutInfo.FingerprintOf<T>(), sizeof(T));

    /// <summary>How errors name the message struct <typeparamref name="T"/>.</summary>
    public static string TypeNameOf<T>() => typeof(T).FullName ?? typeof(T).Name;

    private static RingDescription FromOptions(RingOptions? options, string typeName, ulong fingerprint, int size)
    {
        options ??= new RingOptions();
        if (options.Kind != RingKind.Spsc && options.Kind != RingKind.Mpsc)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "Kind must be RingKind.Spsc or RingKind.Mpsc.");
        }

        RingHeader.ValidateCapacityArgument(options.Capacity);
        if (size > RecordLayout.MaxMessageLength(options.Capacity))
        {
            throw new ArgumentException(
                $"{typeName} is {size} bytes; a ring of capacity {options.Capacity} takes messages of at most {RecordLayout.MaxMessageLength(options.Capacity)} bytes.",
                nameof(options));
        }

        if (options.InitialPosition < 0 || options.InitialPosition > 1L << 62 || options.InitialPosition % RecordLayout.Alignment != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.InitialPosition, "The initial position must be a multiple of 8 from 0 to 2^62.");
        }

        return new RingDescription(options.Kind, options.Capacity, options.Access, typeName, fingerprint, size, options.InitialPosition);
    }
}

using System;
using static RingIpc.Rings.RingHeaderLayout;

namespace RingIpc.Rings;

/// <summary>Writes a new ring header and validates an existing one; nothing else reads the header's
/// configuration fields.</summary>
internal static unsafe class RingHeader
{
    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="capacity"/> is a power of two in range.</summary>
    public static void ValidateCapacityArgument(int capacity)
    {
        if (!IsValidCapacity(capacity))
        {
            throw new ArgumentOutOfRangeException(nameof(RingOptions.Capacity), capacity,
                $"A ring's capacity must be a power of two from {MinCapacity} (4 KiB) to {MaxCapacity} (1 GiB).");
        }
    }

    /// <summary>The section length for a ring of <paramref name="capacity"/> bytes.</summary>
    public static long SectionLength(int capacity) => (long)HeaderSize + capacity;

    /// <summary>Writes a complete header into a zero-filled section; "ready" is stored last, with release.</summary>
    public static void Initialize(byte* header, RingGeometry geometry)
    {
        ref RingHeaderFields fields = ref *(RingHeaderFields*)header;
        fields.Magic = Magic;
        fields.FormatVersion = FormatVersion;
        fields.Kind = (int)geometry.Kind;
        fields.Capacity = geometry.Capacity;
        fields.MaxRecordLength = RecordLayout.MaxRecordLength(geometry.Capacity);
        fields.HeaderSize = HeaderSize;
        fields.MessageFingerprint = geometry.MessageFingerprint;
        fields.MessageSize = geometry.MessageSize;
        fields.CreatorPid = CurrentProcessId();
        fields.Flags = geometry.Access == SectionAccess.OwnerAndGroup ? FlagGroupAccess : 0;
        fields.CreationTimeUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Atomics.StoreRelease((int*)(header + InitStateOffset), InitStateReady);
    }

    /// <summary>Checks a section's length before it is mapped.</summary>
    public static void ValidateSectionLength(long length)
    {
        if (length < HeaderSize + MinCapacity || length > (long)HeaderSize + MaxCapacity)
        {
            throw new RingFormatException("section length", $"{length} bytes",
                $"{HeaderSize} (header) plus a capacity from {MinCapacity} to {MaxCapacity}");
        }
    }

    /// <summary>Validates every configuration field of a mapped header of a section of <paramref name="sectionLength"/> bytes.</summary>
    /// <returns>What the header says about the ring.</returns>
    public static RingGeometry Validate(byte* header, long sectionLength)
    {
        // "Ready" is stored last, with release, by the creator: acquire it before reading anything else.
        int initState = Atomics.LoadAcquire((int*)(header + InitStateOffset));
        ref RingHeaderFields fields = ref *(RingHeaderFields*)header;
        if (fields.Magic != Magic)
        {
            throw new RingFormatException("magic", $"0x{fields.Magic:X16}", $"0x{Magic:X16} (\"RINGIPC1\")");
        }

        if (fields.FormatVersion != FormatVersion)
        {
            throw new RingFormatException("format version", fields.FormatVersion.ToString(), FormatVersion.ToString());
        }

        if (initState != InitStateReady)
        {
            throw new RingFormatException("init state", initState.ToString(), $"{InitStateReady} (ready)");
        }

        int kind = fields.Kind;
        if (kind != (int)RingKind.Spsc && kind != (int)RingKind.Mpsc)
        {
            throw new RingFormatException("kind", kind.ToString(), $"{(int)RingKind.Spsc} (SPSC) or {(int)RingKind.Mpsc} (MPSC)");
        }

        long capacity = Atomics.LoadAcquire((long*)(header + CapacityOffset)); // untorn in a 32-bit process
        if (capacity > int.MaxValue || !IsValidCapacity((int)capacity))
        {
            throw new RingFormatException("capacity", capacity.ToString(), $"a power of two from {MinCapacity} to {MaxCapacity}");
        }

        if (SectionLength((int)capacity) != sectionLength)
        {
            throw new RingFormatException("capacity", capacity.ToString(),
                $"{sectionLength - HeaderSize}, the section's length {sectionLength} less the {HeaderSize}-byte header");
        }

        if (fields.HeaderSize != HeaderSize)
        {
            throw new RingFormatException("header size", fields.HeaderSize.ToString(), HeaderSize.ToString());
        }

        int maxRecordLength = RecordLayout.MaxRecordLength((int)capacity);
        if (fields.MaxRecordLength != maxRecordLength)
        {
            throw new RingFormatException("max record length", fields.MaxRecordLength.ToString(), $"{maxRecordLength} (capacity / 8)");
        }

        int messageSize = fields.MessageSize;
        ulong fingerprint = Atomics.LoadAcquire((long*)(header + FingerprintOffset)) is var raw ? (ulong)raw : 0;
        if (messageSize < 0 || messageSize > maxRecordLength - RecordLayout.HeaderLength || (messageSize == 0) != (fingerprint == 0))
        {
            throw new RingFormatException("message size", messageSize.ToString(),
                $"0 for an untyped ring (fingerprint 0), else 1 to {maxRecordLength - RecordLayout.HeaderLength} with a fingerprint");
        }

        SectionAccess access = (fields.Flags & FlagGroupAccess) != 0 ? SectionAccess.OwnerAndGroup : SectionAccess.Owner;
        return new RingGeometry((RingKind)kind, (int)capacity, access, fingerprint, messageSize);
    }

    private static bool IsValidCapacity(int capacity) =>
        capacity >= MinCapacity && capacity <= MaxCapacity && (capacity & (capacity - 1)) == 0;

    internal static int CurrentProcessId() =>
#if NET
        Environment.ProcessId;
#else
        System.Diagnostics.Process.GetCurrentProcess().Id;
#endif
}

using System;
using System.Runtime.CompilerServices;
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
    public static void Initialize(byte* header, RingKind kind, int capacity, SectionAccess access)
    {
        Unsafe.WriteUnaligned(header + MagicOffset, Magic);
        Unsafe.WriteUnaligned(header + VersionOffset, FormatVersion);
        Unsafe.WriteUnaligned(header + KindOffset, (int)kind);
        Unsafe.WriteUnaligned(header + CapacityOffset, (long)capacity);
        Unsafe.WriteUnaligned(header + MaxRecordLengthOffset, RecordLayout.MaxRecordLength(capacity));
        Unsafe.WriteUnaligned(header + HeaderSizeOffset, HeaderSize);
        Unsafe.WriteUnaligned(header + FingerprintOffset, 0L);
        Unsafe.WriteUnaligned(header + MessageSizeOffset, 0);
        Unsafe.WriteUnaligned(header + CreatorPidOffset, CurrentProcessId());
        Unsafe.WriteUnaligned(header + FlagsOffset, access == SectionAccess.OwnerAndGroup ? FlagGroupAccess : 0);
        Unsafe.WriteUnaligned(header + CreationTimeOffset, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
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
    /// <returns>The ring's kind, capacity and access.</returns>
    public static (RingKind Kind, int Capacity, SectionAccess Access) Validate(byte* header, long sectionLength)
    {
        ulong magic = Unsafe.ReadUnaligned<ulong>(header + MagicOffset);
        if (magic != Magic)
        {
            throw new RingFormatException("magic", $"0x{magic:X16}", $"0x{Magic:X16} (\"RINGIPC1\")");
        }

        int version = Unsafe.ReadUnaligned<int>(header + VersionOffset);
        if (version != FormatVersion)
        {
            throw new RingFormatException("format version", version.ToString(), FormatVersion.ToString());
        }

        int initState = Atomics.LoadAcquire((int*)(header + InitStateOffset));
        if (initState != InitStateReady)
        {
            throw new RingFormatException("init state", initState.ToString(), $"{InitStateReady} (ready)");
        }

        int kind = Unsafe.ReadUnaligned<int>(header + KindOffset);
        if (kind != (int)RingKind.Spsc && kind != (int)RingKind.Mpsc)
        {
            throw new RingFormatException("kind", kind.ToString(), $"{(int)RingKind.Spsc} (SPSC) or {(int)RingKind.Mpsc} (MPSC)");
        }

        long capacity = Unsafe.ReadUnaligned<long>(header + CapacityOffset);
        if (capacity > int.MaxValue || !IsValidCapacity((int)capacity))
        {
            throw new RingFormatException("capacity", capacity.ToString(), $"a power of two from {MinCapacity} to {MaxCapacity}");
        }

        if (SectionLength((int)capacity) != sectionLength)
        {
            throw new RingFormatException("capacity", capacity.ToString(),
                $"{sectionLength - HeaderSize}, the section's length {sectionLength} less the {HeaderSize}-byte header");
        }

        int headerSize = Unsafe.ReadUnaligned<int>(header + HeaderSizeOffset);
        if (headerSize != HeaderSize)
        {
            throw new RingFormatException("header size", headerSize.ToString(), HeaderSize.ToString());
        }

        int maxRecordLength = Unsafe.ReadUnaligned<int>(header + MaxRecordLengthOffset);
        if (maxRecordLength != RecordLayout.MaxRecordLength((int)capacity))
        {
            throw new RingFormatException("max record length", maxRecordLength.ToString(),
                $"{RecordLayout.MaxRecordLength((int)capacity)} (capacity / 8)");
        }

        int flags = Unsafe.ReadUnaligned<int>(header + FlagsOffset);
        SectionAccess access = (flags & FlagGroupAccess) != 0 ? SectionAccess.OwnerAndGroup : SectionAccess.Owner;
        return ((RingKind)kind, (int)capacity, access);
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

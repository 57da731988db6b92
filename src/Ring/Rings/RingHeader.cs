using System;

namespace RingIpc;

/// <summary>
/// The ring header (format v2, laid out by <see cref="RingHeaderFields"/>): its constants, how a new one is
/// written, how an existing one is validated, and a typed view of the words that change while the ring runs.
/// Nothing else reads the header.
/// </summary>
internal readonly unsafe struct RingHeader
{
    /// <summary>"RINGIPC1" read as a little-endian 64-bit integer.</summary>
    public const ulong Magic = 0x3143_5049_474E_4952;

    /// <summary>The format version this code reads and writes.</summary>
    public const int FormatVersion = 2;

    /// <summary>The header's size; the data area starts here.</summary>
    public const int Size = RingHeaderFields.Size;

    /// <summary><see cref="RingHeaderFields.InitState"/>: every other header field is written and valid.</summary>
    public const int InitStateReady = 2;

    /// <summary><see cref="RingHeaderFields.InitState"/>: the ring was found stale and is being reclaimed (its name is
    /// about to be deleted); nobody may attach to it any more (<see cref="StaleRings"/>).</summary>
    public const int InitStateRetired = 3;

    /// <summary><see cref="RingHeaderFields.Flags"/> bit: the ring's files are open to the owner's group (mode 0660).</summary>
    public const int FlagGroupAccess = 1;

    /// <summary><see cref="RingHeaderFields.Flags"/> bit, fence mode (<see cref="FenceMode"/>): the consumer issues a
    /// cross-process barrier before it sleeps, so producers that registered for it commit with a release store instead
    /// of a compare-and-swap. Set and cleared only by the consumer at attach; a version without fence mode refuses a
    /// ring that has it (its consumer would not issue the barrier: a lost wake-up).</summary>
    public const int FlagFenceMode = 2;

    /// <summary><see cref="RingHeaderFields.Flags"/> bit, set at creation: the consumer keeps its read position in
    /// <see cref="RingHeaderFields.ConsumedPosition"/> and may hold the release of what it read back
    /// (<see cref="RingConsumer"/>). A build before the release policy refuses such a ring (its consumer would start at
    /// the head and deliver held-back messages again); on a ring without the bit, made by such a build, this build
    /// releases at once and takes the head as the read position.</summary>
    public const int FlagReadPosition = 4;

    /// <summary>Every flag this version implements; a ring with another bit set is refused.</summary>
    public const int KnownFlags = FlagGroupAccess | FlagFenceMode | FlagReadPosition;

    /// <summary><see cref="RingHeaderFields.ZeroingFromLow"/> when no zeroing is under way (odd: never a position).</summary>
    public const int NoZeroingIntent = 1;

    /// <summary>The smallest data area.</summary>
    public const int MinCapacity = 4096;

    /// <summary>The largest data area (1 GiB).</summary>
    public const int MaxCapacity = 1 << 30;

    /// <summary>Positions stay below 2^63 − 2^32 (29 years at 10 GB/s), so that a position plus a record never overflows.</summary>
    public const long MaxPosition = long.MaxValue - (1L << 32);

    private readonly byte* _base;

    public RingHeader(byte* header)
    {
        _base = header;
    }

    /// <summary>The claim position: the end of the last record reserved by a producer.</summary>
    public SharedInt64 Tail => new(_base + RingHeaderFields.Offsets.Tail);

    /// <summary>The consumer's position: everything before it is consumed and zeroed.</summary>
    public SharedInt64 Head => new(_base + RingHeaderFields.Offsets.Head);

    /// <summary>Advanced by a producer that wakes the consumer (the "data" event's word).</summary>
    public SharedInt32 DataSequence => new(_base + RingHeaderFields.Offsets.DataSequence);

    /// <summary>1 while the consumer is about to sleep or asleep waiting for data.</summary>
    public SharedInt32 ConsumerWaiting => new(_base + RingHeaderFields.Offsets.ConsumerWaiting);

    /// <summary>Advanced by the consumer when it wakes producers (the "space" event's word).</summary>
    public SharedInt32 SpaceSequence => new(_base + RingHeaderFields.Offsets.SpaceSequence);

    /// <summary>The producers about to sleep or asleep waiting for space: one bit per registry slot.</summary>
    public SharedInt32 ProducersAsleep => new(_base + RingHeaderFields.Offsets.ProducersAsleep);

    /// <summary>The zeroing intent's length (see <see cref="RingHeaderFields.ZeroingLength"/>).</summary>
    public SharedInt32 ZeroingLength => new(_base + RingHeaderFields.Offsets.ZeroingLength);

    /// <summary>The zeroing intent's start, low 32 bits (see <see cref="RingHeaderFields.ZeroingFromLow"/>).</summary>
    public SharedInt32 ZeroingFromLow => new(_base + RingHeaderFields.Offsets.ZeroingFromLow);

    /// <summary>The pid of the process that holds the consumer role (0 = none).</summary>
    public SharedInt32 ConsumerPid => new(_base + RingHeaderFields.Offsets.ConsumerPid);

    /// <summary>The pid of the process that holds the producer role of an SPSC ring (0 = none).</summary>
    public SharedInt32 ProducerPid => new(_base + RingHeaderFields.Offsets.ProducerPid);

    /// <summary>The consumer process's start time.</summary>
    public SharedInt64 ConsumerStartTime => new(_base + RingHeaderFields.Offsets.ConsumerStartTime);

    /// <summary>The consumer's heartbeat (Unix milliseconds, for tooling only).</summary>
    public SharedInt64 ConsumerHeartbeat => new(_base + RingHeaderFields.Offsets.ConsumerHeartbeat);

    /// <summary>The claim position the consumer last found blocking the head (tooling only).</summary>
    public SharedInt64 HeadBlockPosition => new(_base + RingHeaderFields.Offsets.HeadBlockPosition);

    /// <summary>When the consumer first found the head blocked there, in Unix milliseconds (tooling only).</summary>
    public SharedInt64 HeadBlockSince => new(_base + RingHeaderFields.Offsets.HeadBlockSince);

    /// <summary>Whether the ring was made with <see cref="FlagReadPosition"/>: its consumers keep a read position.</summary>
    public bool KeepsReadPosition => (FlagsWord.LoadAcquire() & FlagReadPosition) != 0;

    /// <summary>The consumer's read position, ahead of <see cref="Head"/> by what it read and has not yet released
    /// (meaningful where <see cref="KeepsReadPosition"/>).</summary>
    public SharedInt64 ConsumedPosition => new(_base + RingHeaderFields.Offsets.ConsumedPosition);

    /// <summary>The consumer's counters.</summary>
    public EndpointCounters ConsumerCounters => new(_base + RingHeaderFields.Offsets.ConsumerCounters);

    /// <summary>The endpoint registry of the producers.</summary>
    public EndpointRegistry Registry => new(_base);

    /// <summary>The pid of the process that created the ring (written once, before the ring was published).</summary>
    public int CreatorProcessId => Fields.CreatorPid;

    /// <summary>When the ring was created, in Unix milliseconds (written once).</summary>
    public long CreationTimeUnixMs => Fields.CreationTimeUnixMs;

    /// <summary>The creator's identity (written once).</summary>
    public ProcessIdentity Creator => new(Fields.CreatorPid, Fields.CreatorStartTime);

    /// <summary>The flags word (<see cref="FlagFenceMode"/> changes while the ring runs; the other bits do not).</summary>
    public SharedInt32 FlagsWord => new(_base + RingHeaderFields.Offsets.Flags);

    /// <summary>The init-state word: ready, or retired while the ring is reclaimed.</summary>
    public SharedInt32 InitState => new(_base + RingHeaderFields.Offsets.InitState);

    /// <summary>Whether the ring was retired (found stale and reclaimed): nobody may attach to it.</summary>
    public bool IsRetired => InitState.LoadAcquire() == InitStateRetired;

    /// <summary>The first byte of the data area.</summary>
    public byte* Data => _base + Size;

    private ref RingHeaderFields Fields => ref *(RingHeaderFields*)_base;

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
    public static long SectionLength(int capacity) => (long)Size + capacity;

    /// <summary>Checks a section's length before it is mapped: room for this version's header (a format v1 ring is
    /// never shorter, so opening one reports its format version) and at most the largest ring. <see cref="Validate"/>
    /// checks the length against the capacity.</summary>
    public static void ValidateSectionLength(long length)
    {
        if (length < Size || length > (long)Size + MaxCapacity)
        {
            throw new RingFormatException("section length", $"{length} bytes",
                $"{Size} (header) plus a capacity from {MinCapacity} to {MaxCapacity}");
        }
    }

    /// <summary>Writes a complete header into a zero-filled section; "ready" is stored last, with release.</summary>
    public void Initialize(in RingDescription ring)
    {
        ref RingHeaderFields fields = ref Fields;
        fields.Magic = Magic;
        fields.FormatVersion = FormatVersion;
        fields.Kind = (int)ring.Kind;
        fields.Capacity = ring.Capacity;
        fields.MaxRecordLength = ring.MaxRecordLength;
        fields.HeaderSize = Size;
        fields.MessageFingerprint = ring.MessageFingerprint;
        fields.MessageSize = ring.MessageSize;
        fields.CreatorPid = CurrentProcess.Id;
        fields.Flags = (ring.Access == SectionAccess.OwnerAndGroup ? FlagGroupAccess : 0) | FlagReadPosition;
        fields.CreationTimeUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        fields.CreatorStartTime = ProcessIdentity.Current.StartTime;
        ZeroingFromLow.StoreRelease(NoZeroingIntent);
        Head.StoreRelease(ring.InitialPosition);
        ConsumedPosition.StoreRelease(ring.InitialPosition);
        Tail.StoreRelease(ring.InitialPosition);
        InitState.StoreRelease(InitStateReady);
    }

    /// <summary>Validates every configuration field of the header of a section of <paramref name="sectionLength"/> bytes.</summary>
    /// <returns>What the header says about the ring.</returns>
    /// <exception cref="RingFormatException">A field has a value the format does not allow.</exception>
    public RingDescription Validate(long sectionLength)
    {
        // "Ready" is stored last, with release, by the creator: acquire it before reading anything else, and
        // report a half-made header as such rather than by the first field it has not written yet.
        int initState = new SharedInt32(_base + RingHeaderFields.Offsets.InitState).LoadAcquire();
        ref RingHeaderFields fields = ref Fields;
        bool halfMade = initState != InitStateReady && (fields.Magic == Magic || fields.Magic == 0);
        if (fields.Magic != Magic && !halfMade)
        {
            throw new RingFormatException("magic", $"0x{fields.Magic:X16}", $"0x{Magic:X16} (\"RINGIPC1\")");
        }

        if (initState == InitStateRetired && fields.Magic == Magic)
        {
            throw new System.IO.FileNotFoundException(
                "The ring was found stale and is being reclaimed (its name is deleted a moment later): open or create it again.");
        }

        if (initState != InitStateReady)
        {
            throw new RingFormatException("init state", initState.ToString(), $"{InitStateReady} (ready): its creator has not finished initializing it, or died doing so");
        }

        if (fields.FormatVersion != FormatVersion)
        {
            throw new RingFormatException("format version", fields.FormatVersion.ToString(), FormatVersion.ToString());
        }

        int kind = fields.Kind;
        if (kind != (int)RingKind.Spsc && kind != (int)RingKind.Mpsc)
        {
            throw new RingFormatException("kind", kind.ToString(), $"{(int)RingKind.Spsc} (SPSC) or {(int)RingKind.Mpsc} (MPSC)");
        }

        long capacity = new SharedInt64(_base + RingHeaderFields.Offsets.Capacity).LoadAcquire(); // untorn in a 32-bit process
        if (capacity > int.MaxValue || !IsValidCapacity((int)capacity))
        {
            throw new RingFormatException("capacity", capacity.ToString(), $"a power of two from {MinCapacity} to {MaxCapacity}");
        }

        if (SectionLength((int)capacity) != sectionLength)
        {
            throw new RingFormatException("capacity", capacity.ToString(),
                $"{sectionLength - Size}, the section's length {sectionLength} less the {Size}-byte header");
        }

        if (fields.HeaderSize != Size)
        {
            throw new RingFormatException("header size", fields.HeaderSize.ToString(), Size.ToString());
        }

        int maxRecordLength = RecordLayout.MaxRecordLength((int)capacity);
        if (fields.MaxRecordLength != maxRecordLength)
        {
            throw new RingFormatException("max record length", fields.MaxRecordLength.ToString(), $"{maxRecordLength} (capacity / 8)");
        }

        int messageSize = fields.MessageSize;
        ulong fingerprint = (ulong)new SharedInt64(_base + RingHeaderFields.Offsets.MessageFingerprint).LoadAcquire();
        int maxMessageLength = RecordLayout.MaxMessageLength((int)capacity);
        if (messageSize < 0 || messageSize > maxMessageLength || (messageSize == 0) != (fingerprint == 0))
        {
            throw new RingFormatException("message size", messageSize.ToString(),
                $"0 for an untyped ring (fingerprint 0), else 1 to {maxMessageLength} with a fingerprint");
        }

        if ((fields.Flags & ~KnownFlags) != 0)
        {
            throw new RingFormatException("flags", $"0x{fields.Flags:X}",
                $"only bits of 0x{KnownFlags:X} (bit 0: group access, bit 1: fence mode, bit 2: read position); a newer RingIpc may know more");
        }

        SectionAccess access = (fields.Flags & FlagGroupAccess) != 0 ? SectionAccess.OwnerAndGroup : SectionAccess.Owner;
        string typeName = fingerprint == 0 ? RingDescription.UntypedName : $"the struct with fingerprint 0x{fingerprint:X16}";
        return new RingDescription((RingKind)kind, (int)capacity, access, typeName, fingerprint, messageSize);
    }

    /// <summary>Validates a pair of positions read from the header: 8-aligned, non-negative, below
    /// <see cref="MaxPosition"/>, and at most a capacity apart with the tail not behind the head.</summary>
    /// <exception cref="RingFormatException">The positions are corrupt.</exception>
    public static void ValidatePositions(long head, long tail, int capacity)
    {
        if (head < 0 || head > MaxPosition || tail - head < 0 || tail - head > capacity || ((tail | head) & (RecordLayout.Alignment - 1)) != 0)
        {
            throw new RingFormatException("head/tail positions", $"head {head}, tail {tail}",
                $"8-aligned positions from 0 to 2^63 - 2^32 with 0 <= tail - head <= {capacity}");
        }
    }

    /// <summary>Validates the released head, the consumer's read position and the tail, read in that order:
    /// <see cref="ValidatePositions"/> for head and tail, and the read position 8-aligned between them.</summary>
    /// <exception cref="RingFormatException">A position is corrupt.</exception>
    public static void ValidateReadPosition(long released, long readPosition, long tail, int capacity)
    {
        ValidatePositions(released, tail, capacity);
        if (readPosition < released || readPosition > tail || (readPosition & (RecordLayout.Alignment - 1)) != 0)
        {
            throw new RingFormatException("consumed position", readPosition.ToString(),
                $"a multiple of 8 from the head {released} to the tail {tail}");
        }
    }

    /// <summary>Validates one position read from the header: 8-aligned, from 0 to <see cref="MaxPosition"/>.</summary>
    /// <exception cref="RingFormatException">It is corrupt; <paramref name="field"/> names it.</exception>
    public static void ValidatePosition(string field, long position)
    {
        if (position < 0 || position > MaxPosition || (position & (RecordLayout.Alignment - 1)) != 0)
        {
            throw new RingFormatException(field, position.ToString(), "a multiple of 8 from 0 to 2^63 - 2^32");
        }
    }

    private static bool IsValidCapacity(int capacity) =>
        capacity >= MinCapacity && capacity <= MaxCapacity && (capacity & (capacity - 1)) == 0;
}

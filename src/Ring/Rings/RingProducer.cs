using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace RingIpc;

/// <summary>
/// Writes messages into a <see cref="SharedRing"/>. The <c>Try</c> methods never block: they return
/// <c>false</c> when the ring has no room, and write nothing then. <see cref="Write(ReadOnlySpan{byte}, TimeSpan, CancellationToken)"/>
/// waits for room under the producer's <see cref="WaitStrategy"/>. Allocates nothing per message.
/// </summary>
/// <remarks>
/// One instance is for one thread; only <see cref="Dispose"/> may come from another thread, to end a blocked
/// <c>Write</c>. On an MPSC ring, any number of producers (in any processes) may write at once; on an SPSC ring
/// there must be only one producer at a time.
/// </remarks>
public sealed unsafe partial class RingProducer : IDisposable
{
    private readonly SharedRing _ring;
    private readonly byte* _data;
    private readonly SharedInt64 _tail;
    private readonly SharedInt64 _head;
    private readonly int _capacity;
    private readonly int _mask;
    private readonly bool _multiProducer;
    private readonly int _messageSize;
    private readonly RingSignals _signals;
    private readonly RoleLock? _role;
    private readonly EndpointLifetime _lifetime;

    /// <summary>This producer's registry slot: its identity, claim intent and counters.</summary>
    private readonly EndpointSlot _slot;

    /// <summary>The slot's owner word as this producer took it, to free it with.</summary>
    private readonly long _slotOwner;

    private readonly EndpointCounters _counters;
    private readonly WaitSide _spaceSide;

    /// <summary>The type field of this producer's uncommitted claims (see <see cref="ClaimMarkers"/>).</summary>
    private readonly int _claimMarker;

    /// <summary>The ring's flags word: while its fence-mode bit is set, a producer of a process that takes part
    /// commits with a release store instead of a compare-and-swap (<see cref="FenceMode"/>).</summary>
    private readonly SharedInt32 _flags;

    /// <summary>The claim position as this producer last set it (SPSC only: no one else moves it).</summary>
    private long _ownTail;

    /// <summary>A head position seen earlier: the head only grows, so it is a safe lower bound.</summary>
    private long _headCache;

    /// <summary>Positions of the claims handed out and not yet completed (the first <see cref="_openClaims"/>
    /// entries). A claim is completed only if its position is here, so a stale copy of a <see cref="RingClaim"/>
    /// never touches shared memory. The mapping stays referenced while any claim is open.</summary>
    private long[] _openClaimPositions = new long[4];

    /// <summary>How many claims are open; they keep the mapping (written with release after the last access to the
    /// ring they allow, read by a disposing thread).</summary>
    private int _openClaims;

    internal RingProducer(SharedRing ring, WaitStrategy waitStrategy, RoleLock? role)
    {
        HotPath.InitializeStatics();
        _ring = ring;
        _signals = ring.Signals;
        WaitStrategy = waitStrategy;
        _role = role;
        _data = ring.Header.Data;
        _tail = ring.Header.Tail;
        _head = ring.Header.Head;
        _capacity = ring.Capacity;
        _mask = ring.Description.Mask;
        _multiProducer = ring.Kind == RingKind.Mpsc;
        _messageSize = ring.Description.MessageSize;
        MaxMessageLength = ring.MaxMessageLength;

        // Head first: it never passes the tail, so a tail read after it is never behind it.
        _headCache = _head.LoadAcquire();
        long tail = _tail.LoadAcquire();
        RingHeader.ValidatePositions(_headCache, tail, _capacity);
        _ownTail = tail;

        int slot = ring.Header.Registry.TryRegister(_headCache, FenceMode.ProducerTakesPart, out _slotOwner);
        if (slot < 0)
        {
            throw RingRoleException.RegistryFull(ring.Name, EndpointRegistry.SlotCount);
        }

        _slot = ring.Header.Registry[slot];
        try
        {
            ring.ThrowIfRetired(); // after the slot's compare-and-swap: see StaleRings
        }
        catch
        {
            _slot.Free(_slotOwner);
            throw;
        }

        _counters = _slot.Counters;
        _spaceSide = _signals.SpaceSideOf(_slot);
        _claimMarker = ClaimMarkers.MarkerOf(slot);
        _flags = ring.Header.FlagsWord;
        _lifetime = new EndpointLifetime(
            $"producer of ring '{ring.Name}'", ReleaseRoleAndSlot, ring.Section.ReleaseReference, () => Volatile.Read(ref _openClaims) != 0);

        // Keeps the ring mapped while this producer may touch it, even if the SharedRing is disposed meanwhile.
        ring.Section.AddReference();
    }

    /// <summary>The longest message this ring takes, in bytes.</summary>
    public int MaxMessageLength { get; }

    /// <summary>How blocking writes wait for space.</summary>
    public WaitStrategy WaitStrategy { get; }

    /// <summary>Diagnostics: how many wake-up syscalls this producer made for a sleeping consumer. It stays 0
    /// while the consumer is awake.</summary>
    public long WakeCalls { get; private set; }

    /// <summary>How this producer's waits for space went (diagnostics for tests and tooling).</summary>
    internal WaitCounters Waits { get; } = new();

    /// <summary>Writes <paramref name="message"/>, waiting up to <paramref name="timeout"/> for room.</summary>
    /// <param name="message">The payload; may be empty.</param>
    /// <param name="timeout">How long to wait for room; <see cref="Timeout.InfiniteTimeSpan"/> to wait for ever.</param>
    /// <param name="cancellationToken">Cancels the wait; the ring stays usable.</param>
    /// <exception cref="TimeoutException">No room came free in time; nothing was written.</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled; nothing was written.</exception>
    /// <exception cref="ArgumentException">The message is longer than <see cref="MaxMessageLength"/>.</exception>
    /// <exception cref="ObjectDisposedException">The producer or its ring was disposed, also while this call waited.</exception>
    [MethodImpl(HotPath.Optimized)]
    public void Write(ReadOnlySpan<byte> message, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Write(message, 0, timeout, cancellationToken);

    /// <summary>Writes <paramref name="message"/> with type <paramref name="messageType"/>, waiting up to
    /// <paramref name="timeout"/> for room.</summary>
    /// <inheritdoc cref="Write(ReadOnlySpan{byte}, TimeSpan, CancellationToken)"/>
    /// <remarks>The first attempt is <see cref="TryWrite(ReadOnlySpan{byte}, int)"/>, compiled optimized from the start
    /// (<see cref="HotPath"/>); only the wait for room is tiered: a blocking write that finds room, the common case, runs
    /// optimized code even where two spinning threads starve the runtime's background recompilation.</remarks>
    [MethodImpl(HotPath.Optimized)]
    public void Write(ReadOnlySpan<byte> message, int messageType, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        WaitLoop.ValidateTimeout(timeout);
        cancellationToken.ThrowIfCancellationRequested();
        if (!TryWrite(message, messageType)) // counts the rejection
        {
            WriteWhenRoom(message, messageType, timeout, cancellationToken);
        }
    }

    /// <summary>The blocking write's wait for room, after its first attempt found none: never inlined into the optimized
    /// <see cref="Write(ReadOnlySpan{byte}, int, TimeSpan, CancellationToken)"/>, so that the wait stays tiered.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteWhenRoom(ReadOnlySpan<byte> message, int messageType, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using EndpointLifetime.Call call = _lifetime.Enter();
        var loop = new WaitLoop(WaitStrategy, timeout, Waits);
        var wait = new SpaceWait(this, Align(RecordLayout.HeaderLength + message.Length));
        while (!WriteOnce(message, messageType))
        {
            if (!RingSleep.Until(ref wait, ref loop, cancellationToken))
            {
                throw new TimeoutException(
                    $"Ring '{_ring.Name}' had no room for a message of {message.Length} bytes within {timeout}: the consumer is not keeping up.");
            }
        }
    }

    /// <summary>Copies <paramref name="message"/> into the ring as one record.</summary>
    /// <param name="message">The payload; may be empty.</param>
    /// <param name="messageType">A non-negative type id the consumer receives with the message.</param>
    /// <returns><c>false</c> if the ring has no room for it now; nothing was written then.</returns>
    /// <exception cref="ArgumentException">The message is longer than <see cref="MaxMessageLength"/>.</exception>
    [MethodImpl(HotPath.Optimized)]
    public bool TryWrite(ReadOnlySpan<byte> message, int messageType = 0)
    {
        using EndpointLifetime.Call call = _lifetime.Enter();
        return WriteOnce(message, messageType) || Rejected();
    }

    /// <summary>Writes <paramref name="message"/> into the ring if it has room now (inside a call).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool WriteOnce(ReadOnlySpan<byte> message, int messageType)
    {
        long position = Claim(message.Length, messageType, nameof(message));
        if (position < 0)
        {
            return false;
        }

        message.CopyTo(new Span<byte>(_data + (position & _mask) + RecordLayout.HeaderLength, message.Length));
        return Commit(position, RecordLayout.HeaderLength + message.Length, messageType);
    }

    /// <summary>Writes <paramref name="message"/>'s bytes as one record of <c>sizeof(T)</c> bytes.</summary>
    /// <typeparam name="T">A fixed-size type without references.</typeparam>
    /// <returns><c>false</c> if the ring has no room for it now.</returns>
    [MethodImpl(HotPath.Optimized)]
    public bool TryWrite<T>(in T message, int messageType = 0)
        where T : unmanaged
    {
        using EndpointLifetime.Call call = _lifetime.Enter();
        long position = Claim(sizeof(T), messageType, nameof(message));
        if (position < 0)
        {
            return Rejected();
        }

        Unsafe.WriteUnaligned(_data + (position & _mask) + RecordLayout.HeaderLength, message);
        return Commit(position, RecordLayout.HeaderLength + sizeof(T), messageType);
    }

    /// <summary>Reserves room for a message of <paramref name="length"/> bytes to be filled in place.</summary>
    /// <param name="length">The payload length; may be 0.</param>
    /// <param name="claim">The reservation: fill <see cref="RingClaim.Span"/>, then <see cref="RingClaim.Commit"/>
    /// or <see cref="RingClaim.Abort"/>. Disposing it uncommitted aborts it. The consumer stops at an
    /// uncommitted claim, so complete it promptly.</param>
    /// <param name="messageType">A non-negative type id the consumer receives with the message.</param>
    /// <returns><c>false</c> if the ring has no room now.</returns>
    [MethodImpl(HotPath.Optimized)]
    public bool TryClaim(int length, out RingClaim claim, int messageType = 0)
    {
        using EndpointLifetime.Call call = _lifetime.Enter();
        long position = Claim(length, messageType, nameof(length));
        if (position < 0)
        {
            claim = default;
            return Rejected();
        }

        TrackOpenClaim(position);
        claim = new RingClaim(this, new Span<byte>(_data + (position & _mask) + RecordLayout.HeaderLength, length), position, messageType);
        return true;
    }

    /// <summary>Detaches the producer and gives up its role (SPSC) — at once, or, if another thread is in a call of
    /// this producer (a blocked <c>Write</c>, which then ends with <see cref="ObjectDisposedException"/>, a
    /// <c>TryWrite</c>, a <c>TryClaim</c>), as soon as that call has ended. Claims still open can
    /// be completed afterwards: the ring stays mapped for them, so they never block the consumer for good.</summary>
    public void Dispose()
    {
        // A call under way may sleep: wake it, so that it sees the dispose (if it has not ended and unmapped meanwhile).
        if (_lifetime.Dispose() && _ring.Section.TryAddReference())
        {
            try
            {
                _signals.Space.Signal();
            }
            finally
            {
                _ring.Section.ReleaseReference();
            }
        }

        AsyncRingWaiter.NotifyIfRunning();
    }

    /// <summary>Commits or aborts the claim at <paramref name="position"/> (called by <see cref="RingClaim"/>).</summary>
    /// <param name="position">The record's position.</param>
    /// <param name="payloadLength">The payload's length.</param>
    /// <param name="messageType">The type to commit, or <see cref="RecordLayout.PaddingType"/> to abort.</param>
    /// <param name="ifPending">Do nothing, rather than throw, if the claim is already complete.</param>
    [MethodImpl(HotPath.Optimized)]
    internal void Complete(long position, int payloadLength, int messageType, bool ifPending)
    {
        using EndpointLifetime.Call call = _lifetime.EnterEvenIfDisposed();
        int open = Array.IndexOf(_openClaimPositions, position, 0, _openClaims);
        if (open < 0)
        {
            // A copy of a claim that was already completed: it must not touch the slot again.
            if (ifPending)
            {
                return;
            }

            throw new InvalidOperationException("This claim was already committed or aborted.");
        }

        bool committed = Commit(position, RecordLayout.HeaderLength + payloadLength, messageType);
        UntrackOpenClaimAt(open); // last: the open claim holds the mapping until here
        if (!committed && !ifPending && messageType != RecordLayout.PaddingType)
        {
            throw new InvalidOperationException("This claim was revoked: the consumer judged its process dead, and the message was dropped.");
        }
    }

    /// <summary>Records a claim (or batch) handed out at <paramref name="position"/>: it keeps the mapping.</summary>
    private void TrackOpenClaim(long position)
    {
        if (_openClaims == _openClaimPositions.Length)
        {
            Array.Resize(ref _openClaimPositions, _openClaims * 2);
        }

        _openClaimPositions[_openClaims] = position;
        Volatile.Write(ref _openClaims, _openClaims + 1);
    }

    /// <summary>Forgets the open claim at index <paramref name="open"/> of <see cref="_openClaimPositions"/>; the
    /// release write is the last access to the ring that claim allowed.</summary>
    private void UntrackOpenClaimAt(int open)
    {
        _openClaimPositions[open] = _openClaimPositions[_openClaims - 1];
        Volatile.Write(ref _openClaims, _openClaims - 1);
    }

    /// <summary>Whether a record of <paramref name="recordLength"/> bytes would fit now (the blocking wait's condition).</summary>
    private bool HasRoomNow(int recordLength)
    {
        long tail = _multiProducer ? _tail.LoadAcquire() : _ownTail;
        return HasRoom(tail, recordLength, out _);
    }

    /// <summary>
    /// Reserves one record for a payload of <paramref name="payloadLength"/> bytes, preceded by a padding
    /// record if it would cross the end of the data area, and marks it uncommitted.
    /// </summary>
    /// <returns>The record's position, or -1 if there is no room.</returns>
    /// <remarks>Not forced inline: inlined into the write methods it made an MPSC write ~10 % slower (measured).</remarks>
    private long Claim(int payloadLength, int messageType, string parameterName)
    {
        ThrowIfDisposed();
        ValidateMessage(payloadLength, messageType, parameterName);
        return Reserve(RecordLayout.HeaderLength + payloadLength);
    }

    /// <summary>Throws unless a message of <paramref name="payloadLength"/> bytes and type <paramref name="messageType"/>
    /// may be written to this ring.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ValidateMessage(int payloadLength, int messageType, string parameterName)
    {
        if ((uint)payloadLength > (uint)MaxMessageLength || messageType < 0 || (_messageSize != 0 && payloadLength != _messageSize))
        {
            ThrowInvalidMessage(payloadLength, messageType, parameterName);
        }
    }

    /// <summary>Throws what <see cref="ValidateMessage"/> refuses (out of line, like <see cref="EndpointLifetime.ThrowDisposed"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowInvalidMessage(int payloadLength, int messageType, string parameterName)
    {
        if ((uint)payloadLength > (uint)MaxMessageLength)
        {
            throw new ArgumentException(
                $"A message of {payloadLength} bytes does not fit: this ring takes 0 to {MaxMessageLength} bytes (capacity / 8 - 8).",
                parameterName);
        }

        if (messageType < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(messageType), messageType, "A message type must not be negative.");
        }

        if (_messageSize != 0 && payloadLength != _messageSize)
        {
            throw new ArgumentException(
                $"Ring '{_ring.Name}' is typed: every message is {_messageSize} bytes, its struct's size; {payloadLength} bytes were given.",
                parameterName);
        }
    }

    /// <summary>Reserves one record of <paramref name="claimedLength"/> bytes (header included, at most
    /// <see cref="RecordLayout.MaxRecordLength"/>), preceded by a padding record if it would cross the end of the data
    /// area, and marks it claimed with the header <c>(-claimedLength, claim marker)</c>.</summary>
    /// <returns>The record's position, or -1 if there is no room.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long Reserve(int claimedLength)
    {
        int recordLength = Align(claimedLength);
        long tail;
        int padding;
        if (_multiProducer)
        {
            // Other producers move the claim position too: reserve [tail, tail + padding + record) with a CAS,
            // announced by the claim intent first, so that a consumer can repair the reservation if this process
            // dies before marking it (GapRepair). The CAS is a full fence: the intent is visible before it.
            do
            {
                tail = _tail.LoadAcquire();
                if ((tail & (RecordLayout.Alignment - 1)) != 0 || tail < 0)
                {
                    ThrowCorruptTail(tail); // every index derived from the tail must be 8-aligned, or a record could cross the end
                }

                if (!HasRoom(tail, recordLength, out padding))
                {
                    return -1;
                }

                _slot.StoreIntent(tail, padding + recordLength);
            }
            while (!_tail.CompareAndSwap(tail, tail + padding + recordLength));
        }
        else
        {
            tail = _ownTail;
            if (!HasRoom(tail, recordLength, out padding))
            {
                return -1;
            }

            // Published before the records are written: a successor producer (after this process died) must
            // start past them, never over a record the consumer may already be consuming. The intent comes first
            // (release stores, in order), so that a death before marking leaves a gap a consumer can repair.
            _slot.StoreIntent(tail, padding + recordLength);
            _ownTail = tail + padding + recordLength;
            _tail.StoreRelease(_ownTail);
        }

        if (CrashPoints.Armed != CrashPoint.None)
        {
            CrashPoints.Reach(CrashPoint.AfterReserve);
        }

        if (padding != 0)
        {
            // One 8-byte release store: the consumer reads length and type together. The record after the
            // padding commits with a full fence and wakes the consumer.
            HeaderAt(tail).StoreRelease(RecordLayout.Header(padding, RecordLayout.PaddingType));
            if (CrashPoints.Armed != CrashPoint.None)
            {
                CrashPoints.Reach(CrashPoint.DuringWrap);
            }
        }

        long position = tail + padding;
        HeaderAt(position).StoreRelease(RecordLayout.Header(-claimedLength, _claimMarker));
        if (CrashPoints.Armed != CrashPoint.None)
        {
            CrashPoints.Reach(CrashPoint.AfterClaim);
        }

        return position;
    }

    /// <summary>Whether [tail, tail + padding + record) is free, where padding fills the data area's end
    /// when the record would cross it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool HasRoom(long tail, int recordLength, out int padding)
    {
        int toEnd = _capacity - (int)(tail & _mask);
        padding = recordLength > toEnd ? toEnd : 0;
        long end = tail + padding + recordLength;
        if (end - _headCache <= _capacity)
        {
            return true;
        }

        long head = LoadValidHead(tail);
        _headCache = head;
        return end - head <= _capacity;
    }

    /// <summary>The consumer's head, checked against <paramref name="tail"/>.</summary>
    /// <exception cref="RingFormatException">The positions are impossible (a corrupt or hostile peer).</exception>
    private long LoadValidHead(long tail)
    {
        long head = _head.LoadAcquire();
        // An MPSC producer's tail may be stale and behind the head: its CAS will fail and it will read the tail again.
        if (!(_multiProducer && tail < head))
        {
            RingHeader.ValidatePositions(head, tail, _capacity);
        }

        return head;
    }

    /// <summary>Whether a record of <paramref name="recordLength"/> bytes fits now, from another thread than the
    /// producer's (the async waiter): it reads the positions and writes nothing, not even the head cache.</summary>
    private bool HasRoomSeenFromWaiter(int recordLength)
    {
        long tail = _multiProducer ? _tail.LoadAcquire() : Volatile.Read(ref _ownTail);
        int toEnd = _capacity - (int)(tail & _mask);
        int padding = recordLength > toEnd ? toEnd : 0;
        return tail + padding + recordLength - LoadValidHead(tail) <= _capacity;
    }

    /// <summary>Commits the claimed record at <paramref name="position"/> as one message of type
    /// <paramref name="messageType"/>, or as padding (<see cref="RecordLayout.PaddingType"/>: an aborted claim).</summary>
    /// <returns><c>false</c> if the claim was revoked (see <see cref="Publish"/>).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Commit(long position, int recordLength, int messageType) =>
        messageType != RecordLayout.PaddingType
            ? Publish(position, recordLength, RecordLayout.Header(recordLength, messageType), 1, recordLength - RecordLayout.HeaderLength)
            : Publish(position, recordLength, RecordLayout.Header(recordLength, RecordLayout.PaddingType), 0, 0);

    /// <summary>Publishes a claimed record: its header goes from (-<paramref name="claimedLength"/>, claim marker) to
    /// <paramref name="committed"/> with one compare-and-swap, a release and a full fence — or, in fence mode, with one
    /// release store, the consumer paying for the fence when it sleeps (<see cref="FenceMode"/>). That one store
    /// publishes every message written before it (a batch's records after its first, <see cref="RingBatch"/>). Then
    /// counts the <paramref name="messages"/> (none: an abandoned claim) and wakes the consumer if it sleeps (see
    /// <see cref="RingSignals"/> for the ordering).</summary>
    /// <returns><c>false</c> if the header was no longer this claim's: the consumer revoked it, judging this
    /// process dead, and the messages are dropped (a release store never fails: in fence mode a live producer's claim
    /// is never revoked).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Publish(long position, int claimedLength, long committed, int messages, long payloadBytes)
    {
        if (CrashPoints.Armed != CrashPoint.None)
        {
            CrashPoints.Reach(CrashPoint.BeforeCommit);
        }

        SharedInt64 header = HeaderAt(position);
        long claimed = RecordLayout.Header(-claimedLength, _claimMarker);
        if (FenceMode.ProducerTakesPart && (_flags.LoadAcquire() & RingHeader.FlagFenceMode) != 0)
        {
            // Check, then store: the check still refuses a claim revoked before the commit began (a hostile rewrite
            // of the marker); one revoked between the two would need a live producer judged dead, which never happens.
            if (header.LoadAcquire() != claimed)
            {
                return false;
            }

            header.StoreRelease(committed);
        }
        else if (!header.CompareAndSwap(claimed, committed))
        {
            return false;
        }

        if (messages != 0)
        {
            _counters.Add(EndpointCounters.Messages, messages);
            _counters.Add(EndpointCounters.Bytes, payloadBytes);
        }
        else
        {
            _counters.Add(EndpointCounters.AbandonedClaims, 1);
        }

        if (_signals.WakeConsumerIfWaiting())
        {
            WakeCalls++;
            _counters.Add(EndpointCounters.WakeCalls, 1);
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SharedInt64 HeaderAt(long position) => new(_data + (position & _mask));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowCorruptTail(long tail) =>
        throw new RingFormatException("tail position", tail.ToString(), "a non-negative multiple of 8");

    /// <summary>Counts a write or claim refused for lack of room.</summary>
    /// <returns><c>false</c>, the refusal.</returns>
    private bool Rejected()
    {
        _counters.Add(EndpointCounters.FullRejections, 1);
        return false;
    }

    /// <summary>Gives up the role (SPSC) and the registry slot, once no call and no claim is open.</summary>
    private void ReleaseRoleAndSlot()
    {
        _slot.Free(_slotOwner);
        _role?.Dispose();
    }

    private static int Align(int recordLength) => RecordLayout.Align(recordLength);

    private bool IsDisposed => _lifetime.IsDisposed || _ring.IsDisposed;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfDisposed()
    {
        if (IsDisposed)
        {
            _lifetime.ThrowDisposed();
        }
    }

    /// <summary>A blocking write's wait: for room for one record, on the ring's "space" side.</summary>
    private readonly struct SpaceWait(RingProducer producer, int recordLength) : IBlockingWait
    {
        public int Count => 1;

        public WaitCounters Counters => producer.Waits;

        public WaitSide SideOf(int index) => producer._spaceSide;

        /// <summary>Also true once disposed: a dispose that signalled just before the announcement must not be slept through.</summary>
        public bool IsMet(int index) => producer.IsDisposed || producer.HasRoomNow(recordLength);

        public SleepOutcome Sleep(ReadOnlySpan<int> observed, int timeoutMs, CancellationToken cancellationToken)
        {
            if (CrashPoints.Armed != CrashPoint.None)
            {
                CrashPoints.Reach(CrashPoint.Asleep); // announced: its bit is set
            }

            return producer._signals.Space.Wait(observed[0], timeoutMs, cancellationToken);
        }

        public void ThrowIfDisposed() => producer.ThrowIfDisposed();

        public void BeforeSleep()
        {
            producer._counters.Add(EndpointCounters.Sleeps, 1);
            producer._slot.Beat();
        }
    }
}

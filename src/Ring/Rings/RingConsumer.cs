using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace RingIpc;

/// <summary>
/// Reads messages from a <see cref="SharedRing"/>, in place: no copy and no allocation per message.
/// <see cref="TryRead"/> and <see cref="Read(RingMessageHandler, int)"/> never block; <see cref="WaitForData"/>,
/// the <c>Read</c> overload with a timeout and the asynchronous methods wait for data under the
/// consumer's <see cref="WaitStrategy"/>.
/// </summary>
/// <remarks>
/// A ring has one consumer at a time, and one instance is for one thread; only <see cref="Dispose"/> may come from
/// another thread, to end a blocked wait or a batch. Every record read from shared memory is validated before use:
/// a corrupt or hostile producer causes a <see cref="RingFormatException"/>, never a read outside the ring. A
/// payload read in place can still change under the reader if a hostile process writes the ring: copy it before
/// validating it.
/// </remarks>
public sealed unsafe partial class RingConsumer : IDisposable
{
    private const long NoPendingMessage = -1;

    /// <summary>Polls that must find the head at the same record before a polling consumer looks at the clock.</summary>
    private const int StuckPolls = 1024;

    /// <summary>How long the head must stay at a claim or an empty header (100 ms, in
    /// <see cref="System.Diagnostics.Stopwatch"/> ticks) before a polling consumer looks for dead producers there.</summary>
    private static readonly long StuckTicks = System.Diagnostics.Stopwatch.Frequency / 10;

    /// <summary>Polls that find the head at the same empty header or claim before the consumer releases what it read
    /// (a consumer that runs in step with its producer holds the release back; one that has been idle this long
    /// gives the space back).</summary>
    private const int IdleReleasePolls = 64;

    /// <summary>Wake-up calls for sleeping producers between two looks for producers that died asleep.</summary>
    private const int DeadSleeperCheckInterval = 256;

    /// <summary>How long <see cref="Dispose"/> waits for the async waiter thread to give up the role (it takes
    /// microseconds; the bound only guards against a stalled thread, after which the waiter releases it later).</summary>
    private const int AsyncRoleHoldWaitMs = 5000;

    private readonly SharedRing _ring;
    private readonly RecordCursor _records;
    private readonly SharedInt64 _head;
    private readonly SharedInt64 _consumed;

    /// <summary>Most read bytes held back before they are zeroed and released (see <see cref="Consume"/>).</summary>
    private const int MaxReleaseLag = 64 * 1024;

    /// <summary>Read bytes held back before they are zeroed and released: a sixteenth of the ring, at most
    /// <see cref="MaxReleaseLag"/>; 0 (release at once) on a ring made by a build that keeps no read position.</summary>
    private readonly int _releaseLag;

    /// <summary>Whether the ring was made with <see cref="RingHeader.FlagReadPosition"/>.</summary>
    private readonly bool _keepsReadPosition;
    private readonly int _capacity;
    private readonly RingSignals _signals;
    private readonly RoleLock _role;
    private readonly EndpointLifetime _lifetime;
    private readonly EndpointCounters _counters;
    private readonly SharedInt32 _zeroingLength;
    private readonly SharedInt32 _zeroingFromLow;

    /// <summary>Wake-up calls for sleeping producers since the last look for dead sleepers.</summary>
    private int _wakeCallsSinceSleeperCheck;

    /// <summary>The read position (the shared <see cref="RingHeader.ConsumedPosition"/>'s value): where the next
    /// message is read; only this consumer moves it.</summary>
    private long _ownHead;

    /// <summary>The released position (the shared head's value): [_released, _ownHead) is read but not yet zeroed
    /// and given back to producers.</summary>
    private long _released;

    /// <summary>Position of the message handed out by <see cref="TryRead"/> and not yet released.</summary>
    private long _pendingPosition = NoPendingMessage;

    private int _pendingLength;
    private int _pendingPayloadLength;

    /// <summary>1 while a message from <see cref="TryRead"/> is open: it keeps the mapping (an int, read by a
    /// disposing thread; the 64-bit position could tear in a 32-bit process).</summary>
    private int _messageOpen;

    private bool _inBatch;

    /// <summary>A head position that polls keep finding stuck (see <see cref="NoteStuckHead"/>).</summary>
    private long _stuckPosition = -1;

    private int _stuckPolls;
    private long _stuckSince;

    /// <summary>Keeps the role (and the mapping) while an asynchronous wait is registered.</summary>
    private readonly AsyncRoleHold _asyncRoleHold;

    internal RingConsumer(SharedRing ring, WaitStrategy waitStrategy, RoleLock role)
    {
        HotPath.InitializeStatics();
        _ring = ring;
        _signals = ring.Signals;
        WaitStrategy = waitStrategy;
        _role = role;
        _records = ring.Records;
        _head = ring.Header.Head;
        _consumed = ring.Header.ConsumedPosition;
        _capacity = ring.Capacity;
        _keepsReadPosition = ring.Header.KeepsReadPosition; // read once: a peer could rewrite the flags word
        _releaseLag = _keepsReadPosition ? Math.Min(ring.Capacity / 16, MaxReleaseLag) : 0;
        _counters = ring.Header.ConsumerCounters;
        _zeroingLength = ring.Header.ZeroingLength;
        _zeroingFromLow = ring.Header.ZeroingFromLow;
        _released = _head.LoadAcquire();
        RingHeader.ValidatePosition("head position", _released);
        _ownHead = _released;
        _counters.Reset();
        ring.Header.ConsumerHeartbeat.StoreSingleWriter(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        FinishPredecessorsZeroing();
        ReleasePredecessorsReads();
        _asyncRoleHold = new AsyncRoleHold(GiveUpRole, () => _lifetime!.ReleaseIfDone());
        _lifetime = new EndpointLifetime(
            $"consumer of ring '{ring.Name}'", ReleaseRole, ring.Section.ReleaseReference, () => Volatile.Read(ref _messageOpen) != 0 || _asyncRoleHold.IsHeld);

        // Keeps the ring mapped while this consumer may touch it, even if the SharedRing is disposed meanwhile.
        ring.Section.AddReference();

        // Last: a constructor that threw before this leaves no fence-mode bit behind without a consumer.
        _signals.Fence.ConsumerAttached();
    }

    /// <summary>How blocking reads wait for data.</summary>
    public WaitStrategy WaitStrategy { get; }

    /// <summary>Diagnostics: how many wake-up syscalls this consumer made for sleeping producers. It stays 0
    /// while no producer waits for space.</summary>
    public long WakeCalls { get; private set; }

    /// <summary>How this consumer's waits for data went (diagnostics for tests and tooling).</summary>
    internal WaitCounters Waits { get; } = new();

    /// <summary>Whether the consumer or its ring was disposed.</summary>
    internal bool IsDisposed => _lifetime.IsDisposed || _ring.IsDisposed;

    internal SharedRing Ring => _ring;

    /// <summary>Waits until a message is ready to read, or <paramref name="timeout"/> passes. Padding it steps over
    /// on the way (aborted claims, wrap padding) is consumed, its space released under the release policy (see
    /// <see cref="Consume"/>).</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> to only check,
    /// <see cref="Timeout.InfiniteTimeSpan"/> to wait for ever.</param>
    /// <param name="cancellationToken">Cancels the wait; the ring stays usable.</param>
    /// <returns><c>true</c> if a message is ready, <c>false</c> if the timeout passed first.</returns>
    /// <exception cref="OperationCanceledException">The wait was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The consumer or its ring was disposed, also while this call waited.</exception>
    public bool WaitForData(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        WaitLoop.ValidateTimeout(timeout);
        ThrowIfDisposed();
        ThrowIfBusy();
        cancellationToken.ThrowIfCancellationRequested();
        using EndpointLifetime.Call call = _lifetime.Enter();
        if (HasMessage())
        {
            return true;
        }

        var loop = new WaitLoop(WaitStrategy, timeout, Waits);
        var wait = new DataWait(this);
        return RingSleep.Until(ref wait, ref loop, cancellationToken);
    }

    /// <summary>Waits up to <paramref name="timeout"/> for data, then reads like <see cref="Read(RingMessageHandler, int)"/>.</summary>
    /// <returns>How many messages were handled: 0 if the timeout passed with the ring empty.</returns>
    /// <exception cref="OperationCanceledException">The wait was cancelled (checked first: nothing is consumed then).</exception>
    public int Read(RingMessageHandler handler, int maxMessages, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int count = Read(handler, maxMessages);
        if (count > 0 || !WaitForData(timeout, cancellationToken))
        {
            return count;
        }

        return Read(handler, maxMessages);
    }

    /// <summary>Takes the next message, if there is one. Dispose it (or use <c>using</c>) once done with its
    /// payload: until then its space is not released and the next read throws. The ring stays mapped for it
    /// even if the consumer and the ring are disposed first (it is then not released, and a successor reads it again).</summary>
    /// <param name="message">The message, valid until disposed.</param>
    /// <returns><c>false</c> if no committed message is waiting.</returns>
    /// <exception cref="InvalidOperationException">The previous message was not disposed yet.</exception>
    /// <exception cref="RingFormatException">The next record is corrupt.</exception>
    [MethodImpl(HotPath.Optimized)]
    public bool TryRead(out RingMessage message)
    {
        ThrowIfDisposed();
        ThrowIfBusy();
        using EndpointLifetime.Call call = _lifetime.Enter();
        Record record = NextReleasingPadding();
        if (record.State != RecordState.Message)
        {
            message = default;
            return false;
        }

        _pendingPosition = record.Position;
        _pendingLength = record.Occupied;
        _pendingPayloadLength = record.PayloadLength;
        Volatile.Write(ref _messageOpen, 1);
        message = new RingMessage(this, record.Position, record.Type, _records.PayloadOf(record));
        return true;
    }

    /// <summary>Copies the next message out as a <typeparamref name="T"/>, if there is one.</summary>
    /// <typeparam name="T">The fixed-size type the producer wrote with <see cref="RingProducer.TryWrite{T}"/>.</typeparam>
    /// <param name="value">The message.</param>
    /// <param name="messageType">The type id the producer wrote with it.</param>
    /// <returns><c>false</c> if no committed message is waiting.</returns>
    /// <exception cref="RingFormatException">The next message is not <c>sizeof(T)</c> bytes long; it is not consumed.</exception>
    public bool TryRead<T>(out T value, out int messageType)
        where T : unmanaged
    {
        if (!TryRead(out RingMessage message))
        {
            value = default;
            messageType = 0;
            return false;
        }

        if (message.Payload.Length != sizeof(T))
        {
            using (_lifetime.EnterEvenIfDisposed())
            {
                ForgetPendingMessage(); // leave it unconsumed
            }

            throw new RingFormatException("message length", message.Payload.Length.ToString(), $"{sizeof(T)}, the size of {typeof(T).Name}");
        }

        value = System.Runtime.CompilerServices.Unsafe.ReadUnaligned<T>(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(message.Payload));
        messageType = message.MessageType;
        message.Dispose();
        return true;
    }

    /// <summary>
    /// Hands up to <paramref name="maxMessages"/> waiting messages to <paramref name="handler"/>, in order,
    /// and then releases their space at once (one head update per batch).
    /// </summary>
    /// <param name="handler">Called once per message; the payload is valid only during the call. If it
    /// throws, the messages handed to it so far, the failing one included, count as consumed. If it (or another
    /// thread) disposes the consumer or the ring, the batch stops after that call and consumes what it handed out.</param>
    /// <param name="maxMessages">The most messages to handle in this call; at least 1.</param>
    /// <returns>How many messages were handled (0 if the ring is empty).</returns>
    [MethodImpl(HotPath.Optimized)]
    public int Read(RingMessageHandler handler, int maxMessages = int.MaxValue)
    {
        if (handler is null)
        {
            throw new ArgumentNullException(nameof(handler));
        }

        if (maxMessages < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxMessages), maxMessages, "Read at least one message per call.");
        }

        ThrowIfDisposed();
        ThrowIfBusy();
        using EndpointLifetime.Call call = _lifetime.Enter();
        long start = _ownHead;
        long position = start;
        long limit = _released + _capacity; // one lap from the released head: nothing before it is zeroed until the batch ends
        int count = 0;
        long bytes = 0;
        bool drained = false; // the walk ended at no message: the producer is at most a claim ahead
        _inBatch = true;
        try
        {
            while (count < maxMessages)
            {
                Record record = _records.Next(position, limit);
                position = record.Position;
                if (record.State != RecordState.Message)
                {
                    if (count == 0)
                    {
                        NoteStuckHead(record.Position); // only padding before it: it is at the head
                    }

                    drained = true;
                    break;
                }

                position += record.Occupied;
                count++;
                bytes += record.PayloadLength;
                handler(record.Type, _records.PayloadOf(record));
                if (IsDisposed)
                {
                    break; // disposed by the handler or by another thread: hand out nothing more
                }
            }
        }
        finally
        {
            _inBatch = false;
            if (CrashPoints.Armed != CrashPoint.None && count != 0)
            {
                CrashPoints.Reach(CrashPoint.MidBatch); // handed out, not released
            }

            if (position != start)
            {
                Consume(position, drained); // the role is still ours until this call ends
            }

            if (count != 0)
            {
                _counters.Add(EndpointCounters.Messages, count);
                _counters.Add(EndpointCounters.Bytes, bytes);
            }
        }

        return count;
    }

    /// <summary>Detaches the consumer and gives up the consumer role — at once, or, if another thread is in a call
    /// of this consumer (a wait, a batch, a <c>TryRead</c>), as soon as that call has ended. A pending
    /// <see cref="WaitToReadAsync"/> faults with <see cref="ObjectDisposedException"/>, and the role is free when this
    /// returns. A message not yet disposed stays unreleased (and mapped until it is disposed).</summary>
    public void Dispose()
    {
        // A call under way may sleep: wake it, so that it sees the dispose (if it has not ended and unmapped meanwhile).
        if (_lifetime.Dispose() && _ring.Section.TryAddReference())
        {
            try
            {
                _signals.Data.Event.Signal();
            }
            finally
            {
                _ring.Section.ReleaseReference();
            }
        }

        AsyncRingWaiter.NotifyIfRunning();
        _asyncRoleHold.AwaitAndRelease(AsyncRoleHoldWaitMs);
    }

    /// <summary>Whether a committed message waits at the head; releases the padding in front of it.</summary>
    internal bool HasMessage() => NextReleasingPadding().State == RecordState.Message;

    /// <summary>Recovers from dead producers at the head (<see cref="HeadRecovery"/>) and clears the sleep
    /// announcements they left.</summary>
    internal void RecoverAtHead()
    {
        HeadRecovery.Run(_ring, _ownHead, _released);
        ClearDeadSleepers();
    }

    /// <summary>Releases the message at <paramref name="position"/> if it is the one pending.</summary>
    [MethodImpl(HotPath.Optimized)]
    internal void Release(long position)
    {
        if (position != _pendingPosition)
        {
            return;
        }

        using EndpointLifetime.Call call = _lifetime.EnterEvenIfDisposed();
        if (!_lifetime.IsDisposed)
        {
            long end = position + _pendingLength;
            Consume(end, drained: !_records.IsCommitted(end)); // else the role is given up: a successor reads it again
            _counters.Add(EndpointCounters.Messages, 1);
            _counters.Add(EndpointCounters.Bytes, _pendingPayloadLength);
        }

        ForgetPendingMessage(); // last: the open message holds the mapping until here
    }

    /// <summary>The position at which <see cref="WaitToReadAsync"/>'s waiter looks: the consumer's own head, which
    /// cannot move while the wait is pending (never the shared head, which a hostile peer could change).</summary>
    internal long OwnHead => _ownHead;

    /// <summary>Called by the async waiter once a registration ended (after it withdrew its announcements), and
    /// by a registration that failed to start: runs a deferred role release unless a disposing thread does.</summary>
    internal void EndAsyncRoleHold() => _asyncRoleHold.End();

    /// <summary>Starts holding the role for an asynchronous wait, inside a call: a concurrent dispose either sees
    /// the call (and its release, at the call's end, sees the hold) or is seen by it (and nothing is registered).
    /// Also takes the registration's reference to the mapping.</summary>
    /// <exception cref="ObjectDisposedException">The consumer or its ring was disposed.</exception>
    private void BeginAsyncRoleHold()
    {
        using EndpointLifetime.Call call = _lifetime.Enter();
        ThrowIfDisposed();
        _ring.Section.AddReference(); // the consumer's own reference keeps it mapped here; the registration releases it
        _asyncRoleHold.Begin();
    }

    private void ForgetPendingMessage()
    {
        _pendingPosition = NoPendingMessage;
        Volatile.Write(ref _messageOpen, 0);
    }

    /// <summary>The first record at the head that is not padding, after releasing the padding before it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Record NextReleasingPadding()
    {
        Record record = _records.Next(_ownHead, _released + _capacity);
        if (record.Position != _ownHead)
        {
            Consume(record.Position, drained: record.State != RecordState.Message);
        }

        if (record.State != RecordState.Message)
        {
            NoteStuckHead(record.Position);
        }

        return record;
    }

    /// <summary>
    /// A consumer that only polls (<see cref="TryRead"/>, batch reads, busy-spin) never sleeps, so it never reaches
    /// the recovery that a sleeping wait runs. It recovers too, cheaply: only once the head has stayed at the same
    /// claim or empty header for <see cref="StuckPolls"/> polls and then <see cref="StuckTicks"/>; after that it runs
    /// <see cref="RecoverAtHead"/> (a read of the tail, and of the registry if the head is stuck before it) every
    /// <see cref="StuckPolls"/> polls. A head that moves on costs one comparison.
    /// </summary>
    private void NoteStuckHead(long position)
    {
        if (position != _stuckPosition)
        {
            (_stuckPosition, _stuckPolls, _stuckSince) = (position, 0, 0);
            return;
        }

        if (++_stuckPolls == IdleReleasePolls)
        {
            ReleaseConsumed(); // idle for a while: give back what was read
        }

        if (_stuckPolls % StuckPolls != 0)
        {
            return;
        }

        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_stuckSince == 0)
        {
            _stuckSince = now;
        }
        else if (now - _stuckSince >= StuckTicks)
        {
            RecoverAtHead();
        }
    }

    /// <summary>
    /// Marks everything before <paramref name="to"/> read: the read position moves there (stored for a successor:
    /// the at-least-once boundary). The space is released to producers at once, unless the read
    /// <paramref name="drained"/> the ring: then it is held back until <see cref="_releaseLag"/> bytes are, a read
    /// ends while a producer's sleep for space is announced, the consumer has polled the same empty header or claim
    /// <see cref="IdleReleasePolls"/> more times, or it goes to sleep, registers an async wait or is disposed.
    /// </summary>
    /// <remarks>Holding the release back keeps the zeroing away from the cache lines the producer is filling: a
    /// consumer that drains the ring runs in step with its producer, and zeroing each record right after reading it
    /// writes the line the producer's next record is in, so that line travels between the cores twice per message
    /// (the slow regime in the README's benchmark section). A consumer that is behind zeroes lines the producer left
    /// long ago, so it releases at once, and a producer that finds a full ring after a read finds the read's space.
    /// What a drained ring holds back costs producers at most <see cref="_releaseLag"/> bytes of room: a producer out
    /// of room has more than 11/16 of the ring reserved ahead of the read position, so a consumer that reads on
    /// releases, and one stuck at a claim releases after its polls or before it sleeps.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Consume(long to, bool drained)
    {
        _ownHead = to;
        _consumed.StoreRelease(to);
        if (!drained || to - _released >= _releaseLag || _signals.ProducersAsleep != 0)
        {
            ReleaseConsumed();
        }
    }

    /// <summary>Zeroes what was read and not yet released, [released, read position), and then moves the head
    /// there with release: a producer that acquires the new head sees zeroes there, so a stale length never looks
    /// committed. The store is also a full fence, for the handshake with producers waiting for space
    /// (<see cref="RingSignals"/>).</summary>
    [MethodImpl(HotPath.Optimized)]
    private void ReleaseConsumed()
    {
        long from = _released;
        long to = _ownHead;
        if (from == to)
        {
            return;
        }

        // The zeroing intent first (length, then start: a death between them leaves an intent naming an older head),
        // so that a successor finishes what a death in the middle of the zeroing leaves (FinishPredecessorsZeroing).
        _zeroingLength.StoreRelease((int)(to - from));
        _zeroingFromLow.StoreRelease((int)from);
        if (CrashPoints.Armed != CrashPoint.None)
        {
            StopMidZeroing(from, to);
        }

        _records.Clear(from, to);
        _released = to;
        _head.StoreFullFence(to);
        if (_signals.WakeProducersIfWaiting())
        {
            WakeCalls++;
            _counters.Add(EndpointCounters.WakeCalls, 1);
            if (++_wakeCallsSinceSleeperCheck == DeadSleeperCheckInterval)
            {
                ClearDeadSleepers(); // a producer that died asleep would cost a wake-up syscall per release for ever
            }
        }
    }

    /// <summary>Test only (<see cref="CrashPoint.MidZeroing"/>): zeroes the first half of [from, to), then stops.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void StopMidZeroing(long from, long to)
    {
        if (CrashPoints.Armed == CrashPoint.MidZeroing)
        {
            _records.Clear(from, from + ((to - from) / 16 * 8));
            CrashPoints.Reach(CrashPoint.MidZeroing);
        }
    }

    /// <summary>Clears the sleep announcements of dead producers (<see cref="RingSignals.ClearDeadSleepers"/>).</summary>
    private void ClearDeadSleepers()
    {
        _wakeCallsSinceSleeperCheck = 0;
        if (_signals.ProducersAsleep != 0)
        {
            _signals.ClearDeadSleepers(_ring.Header.Registry);
        }
    }

    /// <summary>At attach: a predecessor that died in the middle of zeroing what it consumed left its intent naming the
    /// head; those messages were handed out (the at-least-once boundary: their zeroing had begun), so the zeroing is
    /// finished and the head moved past them, instead of leaving a half-zeroed record that would stall the ring.</summary>
    /// <exception cref="RingFormatException">The intent or the tail is corrupt.</exception>
    private void FinishPredecessorsZeroing()
    {
        int length = _zeroingLength.LoadAcquire();
        if (_zeroingFromLow.LoadAcquire() != (int)_ownHead || length == 0)
        {
            return;
        }

        long tail = _ring.Header.Tail.LoadAcquire();
        RingHeader.ValidatePositions(_ownHead, tail, _capacity);
        if (length < 0 || length > tail - _ownHead || (length & (RecordLayout.Alignment - 1)) != 0)
        {
            throw new RingFormatException("zeroing intent", $"{length} bytes from head {_ownHead}",
                $"a multiple of 8 from 0 to {tail - _ownHead}, the bytes between the head and the tail");
        }

        _ownHead += length;
        ReleaseConsumed();
        _counters.Add(EndpointCounters.FinishedZeroings, 1);
    }

    /// <summary>At attach, after <see cref="FinishPredecessorsZeroing"/>: a predecessor's reads that it held back
    /// (its read position is ahead of the head) were handed out, so they are released and reading starts after them.</summary>
    /// <exception cref="RingFormatException">The read position is not between the head and the tail, or not 8-aligned.</exception>
    private void ReleasePredecessorsReads()
    {
        if (!_keepsReadPosition)
        {
            return; // made by a build without the release policy: the head is the read position
        }

        long consumed = _consumed.LoadAcquire();
        if (consumed == _ownHead)
        {
            return;
        }

        RingHeader.ValidateReadPosition(_ownHead, consumed, _ring.Header.Tail.LoadAcquire(), _capacity);
        _ownHead = consumed;
        ReleaseConsumed();
    }

    /// <summary>Gives up the role (the consumer is disposed and no call is under way), unless an asynchronous wait
    /// is registered: then the waiter thread gives it up when that ends (<see cref="EndAsyncRoleHold"/>).</summary>
    private void ReleaseRole()
    {
        if (!_asyncRoleHold.TryDefer())
        {
            GiveUpRole();
        }
    }

    /// <summary>Ends fence mode (nobody issues its barrier now), then gives up the consumer role.</summary>
    private void GiveUpRole()
    {
        ReleaseConsumed(); // no call of this consumer runs now; the role is still held
        _signals.Fence.ConsumerDetached();
        _role.Dispose();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfBusy()
    {
        if (_pendingPosition != NoPendingMessage || _inBatch || Volatile.Read(ref _asyncWaitPending))
        {
            ThrowBusy();
        }
    }

    /// <summary>Throws what <see cref="ThrowIfBusy"/> refuses: kept out of line, like <see cref="EndpointLifetime.ThrowDisposed"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowBusy()
    {
        if (_pendingPosition != NoPendingMessage)
        {
            throw new InvalidOperationException("Dispose the message returned by TryRead before reading the next one.");
        }

        if (_inBatch)
        {
            throw new InvalidOperationException("A handler of Read must not read from the same consumer.");
        }

        if (Volatile.Read(ref _asyncWaitPending))
        {
            throw new InvalidOperationException("An asynchronous wait of this consumer is pending: await it before reading or waiting again.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfDisposed()
    {
        if (IsDisposed)
        {
            _lifetime.ThrowDisposed();
        }
    }

    /// <summary>A blocking read's wait: for a message at the head, on the ring's "data" side.</summary>
    private readonly struct DataWait(RingConsumer consumer) : IBlockingWait
    {
        public int Count => 1;

        public WaitCounters Counters => consumer.Waits;

        public WaitSide SideOf(int index) => consumer._signals.Data;

        /// <summary>Also true once disposed: a dispose that signalled just before the announcement must not be slept through.</summary>
        public bool IsMet(int index) => consumer.IsDisposed || consumer.HasMessage();

        public SleepOutcome Sleep(ReadOnlySpan<int> observed, int timeoutMs, CancellationToken cancellationToken)
        {
            // Last before the sleep: the re-check may have stepped over padding (revoked by the recovery, say) and held
            // it back. The release's head store is a full fence before it loads the producers-asleep word.
            consumer.ReleaseConsumed();
            return consumer._signals.Data.Event.Wait(observed[0], timeoutMs, cancellationToken);
        }

        public void ThrowIfDisposed() => consumer.ThrowIfDisposed();

        public void BeforeSleep()
        {
            consumer.RecoverAtHead();
            consumer.ReleaseConsumed(); // a sleep may last: give back what was read (again in Sleep, after the re-check)
            consumer._counters.Add(EndpointCounters.Sleeps, 1);
            consumer._ring.Header.ConsumerHeartbeat.StoreSingleWriter(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }
    }
}

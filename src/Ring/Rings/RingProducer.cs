using System;
using System.Runtime.CompilerServices;
using System.Threading;
using RingIpc.Signaling;
using static RingIpc.Rings.RecordLayout;

namespace RingIpc;

/// <summary>
/// Writes messages into a <see cref="SharedRing"/>. The <c>Try</c> methods never block: they return
/// <c>false</c> when the ring has no room, and write nothing then. <see cref="Write(ReadOnlySpan{byte}, TimeSpan, CancellationToken)"/>
/// waits for room under the producer's <see cref="WaitStrategy"/>. Allocates nothing per message.
/// </summary>
/// <remarks>
/// One instance is for one thread. On an MPSC ring, any number of producers (in any processes) may write
/// at once; on an SPSC ring there must be only one producer at a time.
/// </remarks>
public sealed unsafe class RingProducer : IDisposable
{
    private readonly SharedRing _ring;
    private readonly byte* _data;
    private readonly long* _tail;
    private readonly long* _head;
    private readonly int _capacity;
    private readonly int _mask;
    private readonly bool _multiProducer;
    private readonly int _messageSize;
    private readonly RingSignals _signals;
    private readonly WaitStrategy _waitStrategy;
    private readonly RoleLock? _role;

    /// <summary>The claim position as this producer last set it (SPSC only: no one else moves it).</summary>
    private long _ownTail;

    /// <summary>A head position seen earlier: the head only grows, so it is a safe lower bound.</summary>
    private long _headCache;

    private bool _disposed;

    /// <summary>Positions of the claims handed out and not yet completed (the first <see cref="_openClaims"/>
    /// entries). A claim is completed only if its position is here, so a stale copy of a <see cref="RingClaim"/>
    /// never touches shared memory. The mapping stays referenced while any claim is open.</summary>
    private long[] _openClaimPositions = new long[4];

    private int _openClaims;

    /// <summary>The type field of this process's uncommitted claims (see <see cref="Rings.RecordLayout"/>).</summary>
    private readonly int _claimMarker = ClaimMarker(Rings.RingHeader.CurrentProcessId());

    internal RingProducer(SharedRing ring, WaitStrategy waitStrategy, RoleLock? role)
    {
        _ring = ring;
        _signals = ring.Signals;
        _waitStrategy = waitStrategy;
        _role = role;
        _data = ring.Data;
        _tail = (long*)(ring.Header + Rings.RingHeaderLayout.TailOffset);
        _head = (long*)(ring.Header + Rings.RingHeaderLayout.HeadOffset);
        _capacity = ring.Capacity;
        _mask = ring.Capacity - 1;
        _multiProducer = ring.Kind == RingKind.Mpsc;
        _messageSize = ring.MessageSize;
        MaxMessageLength = ring.MaxMessageLength;

        long tail = Atomics.LoadAcquire(_tail);
        _headCache = Atomics.LoadAcquire(_head);
        ValidatePositions(tail, _headCache);
        _ownTail = tail;

        // Keeps the ring mapped while this producer may touch it, even if the SharedRing is disposed meanwhile.
        ring.Section.AddReference();
    }

    /// <summary>The longest message this ring takes, in bytes.</summary>
    public int MaxMessageLength { get; }

    /// <summary>How blocking writes wait for space.</summary>
    public WaitStrategy WaitStrategy => _waitStrategy;

    /// <summary>Diagnostics: how many wake-up syscalls this producer made for a sleeping consumer. It stays 0
    /// while the consumer is awake.</summary>
    public long WakeCalls { get; private set; }

    /// <summary>Writes <paramref name="message"/>, waiting up to <paramref name="timeout"/> for room.</summary>
    /// <param name="message">The payload; may be empty.</param>
    /// <param name="timeout">How long to wait for room; <see cref="Timeout.InfiniteTimeSpan"/> to wait for ever.</param>
    /// <param name="cancellationToken">Cancels the wait; the ring stays usable.</param>
    /// <exception cref="TimeoutException">No room came free in time; nothing was written.</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled; nothing was written.</exception>
    /// <exception cref="ArgumentException">The message is longer than <see cref="MaxMessageLength"/>.</exception>
    public void Write(ReadOnlySpan<byte> message, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Write(message, 0, timeout, cancellationToken);

    /// <summary>Writes <paramref name="message"/> with type <paramref name="messageType"/>, waiting up to
    /// <paramref name="timeout"/> for room.</summary>
    /// <inheritdoc cref="Write(ReadOnlySpan{byte}, TimeSpan, CancellationToken)"/>
    public void Write(ReadOnlySpan<byte> message, int messageType, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        WaitLoop.ValidateTimeout(timeout);
        cancellationToken.ThrowIfCancellationRequested();
        if (TryWrite(message, messageType))
        {
            return;
        }

        var wait = new WaitLoop(_waitStrategy, timeout);
        while (true)
        {
            switch (wait.Next(cancellationToken))
            {
                case WaitStep.Poll:
                    if (TryWrite(message, messageType))
                    {
                        return;
                    }

                    break;

                case WaitStep.Block:
                    // Held across the sleep: another thread may dispose this producer and its ring meanwhile.
                    _ring.Section.AddReference();
                    int observed = _signals.BeginProducerWait();
                    try
                    {
                        // Re-check after announcing the wait: the consumer may have freed space just before.
                        if (TryWrite(message, messageType))
                        {
                            return;
                        }

                        _signals.Space.Wait(observed, wait.SleepMs, cancellationToken);
                    }
                    finally
                    {
                        _signals.EndProducerWait();
                        _ring.Section.ReleaseReference();
                    }

                    ThrowIfDisposed(); // disposed by another thread meanwhile

                    if (TryWrite(message, messageType))
                    {
                        return;
                    }

                    break;

                default:
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
    public bool TryWrite(ReadOnlySpan<byte> message, int messageType = 0)
    {
        long position = Claim(message.Length, messageType, nameof(message));
        if (position < 0)
        {
            return false;
        }

        int index = (int)(position & _mask);
        message.CopyTo(new Span<byte>(_data + index + HeaderLength, message.Length));
        return Commit(index, HeaderLength + message.Length, messageType);
    }

    /// <summary>Writes <paramref name="message"/>'s bytes as one record of <c>sizeof(T)</c> bytes.</summary>
    /// <typeparam name="T">A fixed-size type without references.</typeparam>
    /// <returns><c>false</c> if the ring has no room for it now.</returns>
    public bool TryWrite<T>(in T message, int messageType = 0)
        where T : unmanaged
    {
        long position = Claim(sizeof(T), messageType, nameof(message));
        if (position < 0)
        {
            return false;
        }

        int index = (int)(position & _mask);
        Unsafe.WriteUnaligned(_data + index + HeaderLength, message);
        return Commit(index, HeaderLength + sizeof(T), messageType);
    }

    /// <summary>Reserves room for a message of <paramref name="length"/> bytes to be filled in place.</summary>
    /// <param name="length">The payload length; may be 0.</param>
    /// <param name="claim">The reservation: fill <see cref="RingClaim.Span"/>, then <see cref="RingClaim.Commit"/>
    /// or <see cref="RingClaim.Abort"/>. Disposing it uncommitted aborts it. The consumer stops at an
    /// uncommitted claim, so complete it promptly.</param>
    /// <param name="messageType">A non-negative type id the consumer receives with the message.</param>
    /// <returns><c>false</c> if the ring has no room now.</returns>
    public bool TryClaim(int length, out RingClaim claim, int messageType = 0)
    {
        long position = Claim(length, messageType, nameof(length));
        if (position < 0)
        {
            claim = default;
            return false;
        }

        if (_openClaims == _openClaimPositions.Length)
        {
            Array.Resize(ref _openClaimPositions, _openClaims * 2);
        }

        _openClaimPositions[_openClaims++] = position;
        claim = new RingClaim(this, new Span<byte>(_data + (position & _mask) + HeaderLength, length), position, messageType);
        return true;
    }

    /// <summary>Detaches the producer and gives up its role (SPSC). Claims still open can be completed
    /// afterwards: the ring stays mapped for them, so they never block the consumer for good.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _role?.Dispose();
        if (_openClaims == 0)
        {
            _ring.Section.ReleaseReference();
        }
    }

    /// <summary>Commits or aborts the claim at <paramref name="position"/> (called by <see cref="RingClaim"/>).</summary>
    /// <param name="position">The record's position.</param>
    /// <param name="payloadLength">The payload's length.</param>
    /// <param name="messageType">The type to commit, or <see cref="PaddingType"/> to abort.</param>
    /// <param name="ifPending">Do nothing, rather than throw, if the claim is already complete.</param>
    internal void Complete(long position, int payloadLength, int messageType, bool ifPending)
    {
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

        _openClaimPositions[open] = _openClaimPositions[--_openClaims];
        bool committed = Commit((int)(position & _mask), HeaderLength + payloadLength, messageType);
        if (_openClaims == 0 && _disposed)
        {
            _ring.Section.ReleaseReference();
        }

        if (!committed && !ifPending && messageType != PaddingType)
        {
            throw new InvalidOperationException("This claim was revoked: the consumer judged its process dead, and the message was dropped.");
        }
    }

    /// <summary>
    /// Reserves one record for a payload of <paramref name="payloadLength"/> bytes, preceded by a padding
    /// record if it would cross the end of the data area, and marks it uncommitted.
    /// </summary>
    /// <returns>The record's position, or -1 if there is no room.</returns>
    private long Claim(int payloadLength, int messageType, string parameterName)
    {
        ThrowIfDisposed();
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

        int recordLength = Align(HeaderLength + payloadLength);
        long tail;
        int padding;
        if (_multiProducer)
        {
            // Other producers move the claim position too: reserve [tail, tail + padding + record) with a CAS.
            do
            {
                tail = Atomics.LoadAcquire(_tail);
                if ((tail & (Alignment - 1)) != 0)
                {
                    // Every index derived from the tail must be 8-aligned, or a record could cross the end.
                    throw new RingFormatException("tail position", tail.ToString(), "a multiple of 8");
                }

                if (!HasRoom(tail, recordLength, out padding))
                {
                    return -1;
                }
            }
            while (!Atomics.CompareAndSwap(_tail, tail, tail + padding + recordLength));
        }
        else
        {
            tail = _ownTail;
            if (!HasRoom(tail, recordLength, out padding))
            {
                return -1;
            }

            // Published before the records are written: a successor producer (after this process died) must
            // start past them, never over a record the consumer may already be consuming.
            _ownTail = tail + padding + recordLength;
            Atomics.StoreRelease(_tail, _ownTail);
        }

        if (padding != 0)
        {
            // The record after the padding commits with a full fence and wakes the consumer.
            int paddingIndex = (int)(tail & _mask);
            *(int*)(_data + paddingIndex + TypeOffset) = PaddingType;
            Atomics.StoreRelease((int*)(_data + paddingIndex + LengthOffset), padding);
        }

        long position = tail + padding;
        Atomics.StoreRelease((long*)(_data + (position & _mask)), Header(-(HeaderLength + payloadLength), _claimMarker));
        return position;
    }

    /// <summary>Whether [tail, tail + padding + record) is free, where padding fills the data area's end
    /// when the record would cross it.</summary>
    private bool HasRoom(long tail, int recordLength, out int padding)
    {
        int toEnd = _capacity - (int)(tail & _mask);
        padding = recordLength > toEnd ? toEnd : 0;
        long end = tail + padding + recordLength;
        if (end - _headCache <= _capacity)
        {
            return true;
        }

        long head = Atomics.LoadAcquire(_head);
        ValidatePositions(tail, head);
        _headCache = head;
        return end - head <= _capacity;
    }

    /// <summary>Commits a claimed record: one compare-and-swap of its header from (-length, claim marker) to
    /// (+length, type), a release and a full fence. Then wakes the consumer if it sleeps (see
    /// <see cref="RingSignals"/> for the ordering).</summary>
    /// <returns><c>false</c> if the header was no longer this claim's: the consumer revoked it, judging this
    /// process dead, and the message is dropped.</returns>
    private bool Commit(int index, int recordLength, int messageType)
    {
        if (!Atomics.CompareAndSwap((long*)(_data + index), Header(-recordLength, _claimMarker), Header(recordLength, messageType)))
        {
            return false;
        }

        if (_signals.WakeConsumerIfWaiting())
        {
            WakeCalls++;
        }

        return true;
    }

    /// <summary>Positions come from shared memory: a head more than a capacity behind the tail, or (SPSC)
    /// ahead of it, means the section is corrupt. (An MPSC producer's tail may be stale and behind the head.)</summary>
    private void ValidatePositions(long tail, long head)
    {
        bool stale = _multiProducer && tail < head;
        if (!stale && (tail - head < 0 || tail - head > _capacity || ((tail | head) & (Alignment - 1)) != 0))
        {
            throw new RingFormatException("head/tail positions", $"head {head}, tail {tail}",
                $"8-aligned positions with 0 <= tail - head <= {_capacity}");
        }
    }

    private void ThrowIfDisposed()
    {
        if (_disposed || _ring.IsDisposed)
        {
            throw new ObjectDisposedException(nameof(RingProducer), $"The producer of ring '{_ring.Name}' was disposed.");
        }
    }
}

using System;
using System.Threading;
using RingIpc.Signaling;
using static RingIpc.Rings.RecordLayout;

namespace RingIpc;

/// <summary>
/// Reads messages from a <see cref="SharedRing"/>, in place: no copy and no allocation per message.
/// <see cref="TryRead"/> and <see cref="Read(RingMessageHandler, int)"/> never block; <see cref="WaitForData"/>,
/// the <c>Read</c> overload with a timeout and the asynchronous methods wait for data under the
/// consumer's <see cref="WaitStrategy"/>.
/// </summary>
/// <remarks>
/// A ring has one consumer at a time, and one instance is for one thread. Every record read from shared
/// memory is validated before use: a corrupt or hostile producer causes a <see cref="RingFormatException"/>,
/// never a read outside the ring.
/// </remarks>
public sealed unsafe partial class RingConsumer : IDisposable
{
    private const long NoPendingMessage = -1;

    private readonly SharedRing _ring;
    private readonly byte* _data;
    private readonly long* _head;
    private readonly int _capacity;
    private readonly int _mask;
    private readonly int _maxRecordLength;
    private readonly RingSignals _signals;
    private readonly WaitStrategy _waitStrategy;
    private readonly RoleLock _role;

    /// <summary>The head position; only this consumer moves it.</summary>
    private long _ownHead;

    /// <summary>Position of the message handed out by <see cref="TryRead"/> and not yet released.</summary>
    private long _pendingPosition = NoPendingMessage;

    private int _pendingLength;
    private bool _inBatch;
    private bool _disposed;

    internal RingConsumer(SharedRing ring, WaitStrategy waitStrategy, RoleLock role)
    {
        _ring = ring;
        _signals = ring.Signals;
        _waitStrategy = waitStrategy;
        _role = role;
        _data = ring.Data;
        _head = (long*)(ring.Header + Rings.RingHeaderLayout.HeadOffset);
        _capacity = ring.Capacity;
        _mask = ring.Capacity - 1;
        _maxRecordLength = MaxRecordLength(ring.Capacity);
        _ownHead = Atomics.LoadAcquire(_head);
        if (_ownHead < 0 || (_ownHead & (Alignment - 1)) != 0)
        {
            throw new RingFormatException("head position", _ownHead.ToString(), "a non-negative multiple of 8");
        }

        // Keeps the ring mapped while this consumer may touch it, even if the SharedRing is disposed meanwhile.
        ring.Section.AddReference();
    }

    /// <summary>How blocking reads wait for data.</summary>
    public WaitStrategy WaitStrategy => _waitStrategy;

    /// <summary>Diagnostics: how many wake-up syscalls this consumer made for sleeping producers. It stays 0
    /// while no producer waits for space.</summary>
    public long WakeCalls { get; private set; }

    /// <summary>Waits until a message is ready to read, or <paramref name="timeout"/> passes.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> to only check,
    /// <see cref="Timeout.InfiniteTimeSpan"/> to wait for ever.</param>
    /// <param name="cancellationToken">Cancels the wait; the ring stays usable.</param>
    /// <returns><c>true</c> if a message is ready, <c>false</c> if the timeout passed first.</returns>
    /// <exception cref="OperationCanceledException">The wait was cancelled.</exception>
    public bool WaitForData(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        WaitLoop.ValidateTimeout(timeout);
        ThrowIfDisposed();
        ThrowIfMessagePending();
        cancellationToken.ThrowIfCancellationRequested();
        if (HasMessage())
        {
            return true;
        }

        var wait = new WaitLoop(_waitStrategy, timeout);
        while (true)
        {
            switch (wait.Next(cancellationToken))
            {
                case WaitStep.Poll:
                    break;

                case WaitStep.Block:
                    if (RecoverAbandonedClaim())
                    {
                        break;
                    }

                    // Held across the sleep: another thread may dispose this consumer and its ring meanwhile.
                    _ring.Section.AddReference();
                    int observed = _signals.BeginConsumerWait();
                    try
                    {
                        // Re-check after announcing the wait: a producer may have committed just before.
                        if (!HasMessage())
                        {
                            _signals.Data.Wait(observed, wait.SleepMs, cancellationToken);
                        }
                    }
                    finally
                    {
                        _signals.EndConsumerWait();
                        _ring.Section.ReleaseReference();
                    }

                    ThrowIfDisposed(); // disposed by another thread meanwhile
                    break;

                default:
                    return HasMessage();
            }

            if (HasMessage())
            {
                return true;
            }
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for data, then reads like <see cref="Read(RingMessageHandler, int)"/>.</summary>
    /// <returns>How many messages were handled: 0 if the timeout passed with the ring empty.</returns>
    /// <exception cref="OperationCanceledException">The wait was cancelled.</exception>
    public int Read(RingMessageHandler handler, int maxMessages, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        int count = Read(handler, maxMessages);
        if (count > 0 || !WaitForData(timeout, cancellationToken))
        {
            return count;
        }

        return Read(handler, maxMessages);
    }

    /// <summary>Whether the consumer or its ring was disposed.</summary>
    internal bool IsDisposed => _disposed || _ring.IsDisposed;

    /// <summary>Takes the next message, if there is one. Dispose it (or use <c>using</c>) once done with its
    /// payload: until then its space is not released and the next read throws.</summary>
    /// <param name="message">The message, valid until disposed.</param>
    /// <returns><c>false</c> if no committed message is waiting.</returns>
    /// <exception cref="InvalidOperationException">The previous message was not disposed yet.</exception>
    /// <exception cref="RingFormatException">The next record is corrupt.</exception>
    public bool TryRead(out RingMessage message)
    {
        ThrowIfDisposed();
        ThrowIfMessagePending();
        while (true)
        {
            int index = (int)(_ownHead & _mask);
            int length = Atomics.LoadAcquire((int*)(_data + index + LengthOffset));
            if (length <= 0)
            {
                message = default;
                return false;
            }

            int type = ValidateRecord(index, length);
            if (type == PaddingType)
            {
                Consume(_ownHead, _ownHead + Align(length));
                continue;
            }

            _pendingPosition = _ownHead;
            _pendingLength = Align(length);
            message = new RingMessage(this, _ownHead, type, new ReadOnlySpan<byte>(_data + index + HeaderLength, length - HeaderLength));
            return true;
        }
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
            _pendingPosition = NoPendingMessage; // leave it unconsumed
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
    /// throws, the messages handed to it so far, the failing one included, count as consumed.</param>
    /// <param name="maxMessages">The most messages to handle in this call; at least 1.</param>
    /// <returns>How many messages were handled (0 if the ring is empty).</returns>
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
        ThrowIfMessagePending();
        long start = _ownHead;
        long position = start;
        int count = 0;
        _inBatch = true; // a handler that reads again would see the batch's messages twice
        try
        {
            // Stop after one lap: the bytes at [start, ...) are zeroed only when the batch ends.
            while (count < maxMessages && position - start < _capacity)
            {
                int index = (int)(position & _mask);
                int length = Atomics.LoadAcquire((int*)(_data + index + LengthOffset));
                if (length <= 0)
                {
                    break;
                }

                int type = ValidateRecord(index, length);
                position += Align(length);
                if (type != PaddingType)
                {
                    count++;
                    handler(type, new ReadOnlySpan<byte>(_data + index + HeaderLength, length - HeaderLength));
                }
            }
        }
        finally
        {
            _inBatch = false;
            if (position != start)
            {
                Consume(start, position);
            }
        }

        return count;
    }

    /// <summary>Detaches the consumer and gives up the consumer role. A message not yet disposed stays unreleased.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _role.Dispose();
        AsyncDataWaiter.NotifyIfRunning();
        _ring.Section.ReleaseReference();
    }

    /// <summary>
    /// If the first record past any padding is a claim whose producer process no longer exists, turns it into padding (one
    /// compare-and-swap of its header, which a late commit would also need) so that the ring moves on.
    /// Called by waits that are about to sleep: a consumer that only polls with <c>TryRead</c> never revokes.
    /// </summary>
    /// <returns>Whether a claim was revoked.</returns>
    internal bool RecoverAbandonedClaim()
    {
        // Look past padding (wrap padding, aborted or revoked claims) to the first record that is not padding.
        for (long position = _ownHead; position - _ownHead < _capacity;)
        {
            int index = (int)(position & _mask);
            long header = Atomics.LoadAcquire((long*)(_data + index));
            int length = (int)header;
            if (length > 0)
            {
                if (ValidateRecord(index, length) != PaddingType)
                {
                    return false; // a message is ready
                }

                position += Align(length);
                continue;
            }

            int marker = (int)(header >> 32);
            if (length == 0 || marker >= PaddingType)
            {
                return false; // not claimed yet, or a claim without an owner mark
            }

            int recordLength = -length;
            if (recordLength < HeaderLength || recordLength > _maxRecordLength || recordLength > _capacity - index)
            {
                throw new RingFormatException("claimed record length", $"{recordLength} at index {index}",
                    $"{HeaderLength} to {Math.Min(_maxRecordLength, _capacity - index)}");
            }

            return !ProcessLiveness.IsAlive(ClaimOwner(marker)) &&
                   Atomics.CompareAndSwap((long*)(_data + index), header, Header(recordLength, PaddingType));
        }

        return false;
    }

    /// <summary>Whether a committed message waits at the head, looking past padding without consuming it.
    /// Reads only; validates every record it steps over.</summary>
    internal bool HasMessage()
    {
        long position = _ownHead;
        while (position - _ownHead < _capacity)
        {
            int index = (int)(position & _mask);
            int length = Atomics.LoadAcquire((int*)(_data + index + LengthOffset));
            if (length <= 0)
            {
                return false;
            }

            if (ValidateRecord(index, length) != PaddingType)
            {
                return true;
            }

            position += Align(length);
        }

        return false;
    }

    /// <summary>Releases the message at <paramref name="position"/> if it is the one pending.</summary>
    internal void Release(long position)
    {
        if (position != _pendingPosition || _disposed || _ring.IsDisposed)
        {
            return;
        }

        _pendingPosition = NoPendingMessage;
        Consume(position, position + _pendingLength);
    }

    /// <summary>Zeroes [from, to) and then moves the head to <paramref name="to"/> with release: a producer
    /// that acquires the new head sees zeroes there, so a stale length never looks committed. The store is
    /// also a full fence, for the handshake with producers waiting for space (<see cref="RingSignals"/>).</summary>
    private void Consume(long from, long to)
    {
        int fromIndex = (int)(from & _mask);
        long length = to - from;
        int firstPart = (int)Math.Min(length, _capacity - fromIndex);
        new Span<byte>(_data + fromIndex, firstPart).Clear();
        new Span<byte>(_data, (int)(length - firstPart)).Clear();
        _ownHead = to;
        Atomics.StoreFullFence(_head, to);
        if (_signals.WakeProducersIfWaiting())
        {
            WakeCalls++;
        }
    }

    /// <summary>Checks a committed record's length and type, read from shared memory, before anything uses them.</summary>
    /// <returns>The record's type.</returns>
    private int ValidateRecord(int index, int length)
    {
        if (length < HeaderLength || length > _capacity - index)
        {
            throw new RingFormatException("record length", $"{length} at index {index}",
                $"{HeaderLength} to {_capacity - index} (a record never crosses the end of the data area)");
        }

        int type = *(int*)(_data + index + TypeOffset);
        if (type == PaddingType)
        {
            return type;
        }

        if (type < 0)
        {
            throw new RingFormatException("record type", $"{type} at index {index}", "a non-negative message type or -1 (padding)");
        }

        if (length > _maxRecordLength)
        {
            throw new RingFormatException("record length", $"{length} at index {index}", $"at most {_maxRecordLength} (capacity / 8)");
        }

        return type;
    }

    private void ThrowIfMessagePending()
    {
        if (_pendingPosition != NoPendingMessage)
        {
            throw new InvalidOperationException("Dispose the message returned by TryRead before reading the next one.");
        }

        if (_inBatch)
        {
            throw new InvalidOperationException("A handler of Read must not read from the same consumer.");
        }
    }

    private void ThrowIfDisposed()
    {
        if (_disposed || _ring.IsDisposed)
        {
            throw new ObjectDisposedException(nameof(RingConsumer), $"The consumer of ring '{_ring.Name}' was disposed.");
        }
    }
}

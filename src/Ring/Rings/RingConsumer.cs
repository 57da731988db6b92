using System;
using static RingIpc.Rings.RecordLayout;

namespace RingIpc;

/// <summary>
/// Reads messages from a <see cref="SharedRing"/>, in place: no copy and no allocation per message.
/// Never blocks: a read of an empty ring returns at once.
/// </summary>
/// <remarks>
/// A ring has one consumer at a time, and one instance is for one thread. Every record read from shared
/// memory is validated before use: a corrupt or hostile producer causes a <see cref="RingFormatException"/>,
/// never a read outside the ring.
/// </remarks>
public sealed unsafe class RingConsumer : IDisposable
{
    private const long NoPendingMessage = -1;

    private readonly SharedRing _ring;
    private readonly byte* _data;
    private readonly long* _head;
    private readonly int _capacity;
    private readonly int _mask;
    private readonly int _maxRecordLength;

    /// <summary>The head position; only this consumer moves it.</summary>
    private long _ownHead;

    /// <summary>Position of the message handed out by <see cref="TryRead"/> and not yet released.</summary>
    private long _pendingPosition = NoPendingMessage;

    private int _pendingLength;
    private bool _disposed;

    internal RingConsumer(SharedRing ring)
    {
        _ring = ring;
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
    }

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
            if (position != start)
            {
                Consume(start, position);
            }
        }

        return count;
    }

    /// <summary>Detaches the consumer. A message not yet disposed stays unreleased.</summary>
    public void Dispose() => _disposed = true;

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
    /// that acquires the new head sees zeroes there, so a stale length never looks committed.</summary>
    private void Consume(long from, long to)
    {
        int fromIndex = (int)(from & _mask);
        long length = to - from;
        int firstPart = (int)Math.Min(length, _capacity - fromIndex);
        new Span<byte>(_data + fromIndex, firstPart).Clear();
        new Span<byte>(_data, (int)(length - firstPart)).Clear();
        _ownHead = to;
        Atomics.StoreRelease(_head, to);
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
    }

    private void ThrowIfDisposed()
    {
        if (_disposed || _ring.IsDisposed)
        {
            throw new ObjectDisposedException(nameof(RingConsumer), $"The consumer of ring '{_ring.Name}' was disposed.");
        }
    }
}

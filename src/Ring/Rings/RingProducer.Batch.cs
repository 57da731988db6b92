using System;
using System.Runtime.CompilerServices;

namespace RingIpc;

/// <summary>
/// Batches of <see cref="RingProducer"/>: many messages, one publication (<see cref="RingBatch"/>).
/// </summary>
/// <remarks>
/// <code>
///  claimed region, reserved as one record of maxBytes
/// +--------------------+----------+----------+-- - - --+----------+-------------------+
/// | (-maxBytes, marker)| payload1 | header 2 | payload2 |  ...     | padding: the rest |
/// +--------------------+----------+----------+-- - - --+----------+-------------------+
///   ^ Commit replaces this one header by (length1, type1): a release (and in fenced mode a full fence) that
///     publishes the records 2..n and the padding, written before it with plain stores.
/// </code>
/// The consumer stops at a claimed header, so it reads none of the region until the commit, and then reads its
/// records as it reads any. An abort, or the revocation of the claim of a process that died, turns the first
/// header into padding over the whole region: the consumer skips it all. A batch is all or nothing.
/// </remarks>
public sealed unsafe partial class RingProducer
{
    /// <summary>The open batch's region position, or -1 when no batch is open (one at a time).</summary>
    private long _batchPosition = -1;

    /// <summary>The open batch's region length (header included), a multiple of 8.</summary>
    private int _batchLength;

    /// <summary>The bytes of the region its records fill so far.</summary>
    private int _batchUsed;

    /// <summary>The messages in the open batch.</summary>
    private int _batchCount;

    /// <summary>Their payload bytes.</summary>
    private long _batchPayloadBytes;

    /// <summary>The first record's committed header: stored by the commit, which publishes the batch.</summary>
    private long _batchFirstHeader;

    /// <summary>Reserves <paramref name="maxBytes"/> of the ring for a batch of messages that the consumer sees all at
    /// once, when it is committed: each message then costs a copy and a header store, and the batch one publication
    /// (one compare-and-swap or release store, one wake-up check) — the ring's answer to a buffered stream.</summary>
    /// <param name="maxBytes">The bytes to reserve, rounded down to a multiple of 8: 8 to <see cref="MaxBatchLength"/>.
    /// Each message takes 8 bytes of header and its payload, rounded up to a multiple of 8.</param>
    /// <param name="batch">The batch: write messages with <see cref="RingBatch.TryWrite(ReadOnlySpan{byte}, int)"/>
    /// until it says full, then <see cref="RingBatch.Commit"/>. Disposing it uncommitted aborts it. The consumer stops at
    /// an open batch, so complete it promptly; a blocking write on this producer while its batch is open waits for room
    /// the batch itself holds back, and may wait out its timeout.</param>
    /// <returns><c>false</c> if the ring has no room for <paramref name="maxBytes"/> now; nothing was reserved then.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBytes"/> is under 8 or over <see cref="MaxBatchLength"/>.</exception>
    /// <exception cref="InvalidOperationException">This producer has a batch open already.</exception>
    /// <exception cref="ObjectDisposedException">The producer or its ring was disposed.</exception>
    public bool TryBeginBatch(int maxBytes, out RingBatch batch)
    {
        using EndpointLifetime.Call call = _lifetime.Enter();
        ThrowIfDisposed();
        if (maxBytes < RecordLayout.HeaderLength || maxBytes > MaxBatchLength)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes,
                $"A batch reserves {RecordLayout.HeaderLength} to {MaxBatchLength} bytes of this ring (capacity / 8).");
        }

        if (_batchPosition >= 0)
        {
            throw new InvalidOperationException("This producer has a batch open: commit or abort it before beginning another.");
        }

        int length = maxBytes & ~(RecordLayout.Alignment - 1);
        long position = Reserve(length);
        if (position < 0)
        {
            batch = default;
            return Rejected();
        }

        TrackOpenClaim(position);
        _batchPosition = position;
        _batchLength = length;
        _batchUsed = 0;
        _batchCount = 0;
        _batchPayloadBytes = 0;
        batch = new RingBatch(this, position);
        return true;
    }

    /// <summary>The most bytes a batch may reserve (<see cref="TryBeginBatch"/>): the longest record, capacity / 8.</summary>
    public int MaxBatchLength => MaxMessageLength + RecordLayout.HeaderLength;

    /// <summary>How many messages the batch at <paramref name="position"/> holds (called by <see cref="RingBatch"/>).</summary>
    internal int BatchCount(long position)
    {
        ThrowUnlessOpenBatch(position);
        return _batchCount;
    }

    /// <summary>Adds a record of <paramref name="payloadLength"/> bytes to the batch at <paramref name="position"/>
    /// (called by <see cref="RingBatch"/>).</summary>
    /// <returns>Where its payload goes, or <c>null</c> if the batch has no room left for it.</returns>
    [MethodImpl(HotPath.Optimized)]
    internal byte* AddToBatch(long position, int payloadLength, int messageType, string parameterName)
    {
        ThrowUnlessOpenBatch(position);
        ValidateMessage(payloadLength, messageType, parameterName);
        int recordLength = Align(RecordLayout.HeaderLength + payloadLength);
        if (recordLength > _batchLength - _batchUsed)
        {
            return null;
        }

        // The region never crosses the end of the data area (Reserve padded before it), so neither does this record.
        byte* record = _data + ((position + _batchUsed) & _mask);
        long header = RecordLayout.Header(RecordLayout.HeaderLength + payloadLength, messageType);
        if (_batchCount == 0)
        {
            _batchFirstHeader = header; // the region's header stays claimed until the commit stores this
        }
        else
        {
            // A plain store: the consumer loads it only after the commit's release store of the first header.
            new SharedInt64(record).StoreSingleWriter(header);
        }

        _batchUsed += recordLength;
        _batchCount++;
        _batchPayloadBytes += payloadLength;
        return record + RecordLayout.HeaderLength;
    }

    /// <summary>Commits or aborts a batch (called by <see cref="RingBatch"/>). A batch committed empty is released as padding.</summary>
    /// <param name="position">The batch's region position.</param>
    /// <param name="commit">Publish its messages; <c>false</c>: drop them.</param>
    /// <param name="ifPending">Do nothing, rather than throw, if the batch is already complete.</param>
    internal void CompleteBatch(long position, bool commit, bool ifPending)
    {
        using EndpointLifetime.Call call = _lifetime.EnterEvenIfDisposed();
        if (position < 0 || position != _batchPosition)
        {
            if (ifPending)
            {
                return;
            }

            throw BatchCompleted();
        }

        bool published;
        if (commit && _batchCount != 0)
        {
            if (_batchUsed != _batchLength)
            {
                // Like the records' headers: published by the first header's release store below.
                HeaderAt(position + _batchUsed).StoreSingleWriter(RecordLayout.Header(_batchLength - _batchUsed, RecordLayout.PaddingType));
            }

            published = Publish(position, _batchLength, _batchFirstHeader, _batchCount, _batchPayloadBytes);
        }
        else
        {
            published = Publish(position, _batchLength, RecordLayout.Header(_batchLength, RecordLayout.PaddingType), 0, 0);
        }

        bool hadMessages = _batchCount != 0;
        _batchPosition = -1;
        UntrackOpenClaimAt(Array.IndexOf(_openClaimPositions, position, 0, _openClaims)); // last: the open claim holds the mapping until here
        if (!published && commit && hadMessages && !ifPending)
        {
            throw new InvalidOperationException("This batch was revoked: the consumer judged its process dead, and its messages were dropped.");
        }
    }

    private void ThrowUnlessOpenBatch(long position)
    {
        if (position < 0 || position != _batchPosition)
        {
            throw BatchCompleted();
        }
    }

    private static InvalidOperationException BatchCompleted() => new("This batch was already committed or aborted.");
}

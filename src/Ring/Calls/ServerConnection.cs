using System;
using System.Collections.Concurrent;
using System.Threading;

namespace RingIpc;

/// <summary>The server's side of one client: its identity, its reply ring (the server is its producer) and the
/// calls it has in flight, whose tokens a cancel, a disconnect or the client's death cancels.</summary>
internal sealed class ServerConnection : IDisposable
{
    private readonly object _sendGate = new();
    private readonly SharedRing _replyRing;
    private readonly RingProducer _replies;
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _calls = new();
    private int _closed;

    public ServerConnection(long key, ProcessIdentity client, SharedRing replyRing, RingProducer replies)
    {
        Key = key;
        Client = client;
        _replyRing = replyRing;
        _replies = replies;
    }

    public long Key { get; }

    public ProcessIdentity Client { get; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public string ReplyRingName => _replyRing.Name;

    /// <summary>The longest result body a reply can carry.</summary>
    public int MaxReplyBody => CallFrameIo.MaxBody<ReplyFrame>(_replies);

    /// <summary>Registers a call in flight; <c>false</c> if its id is already in flight (a broken client).</summary>
    public bool TryBegin(long callId, CancellationTokenSource cancellation) => !IsClosed && _calls.TryAdd(callId, cancellation);

    public void End(long callId) => _calls.TryRemove(callId, out _);

    /// <summary>Cancels a call in flight (the client cancelled it or its deadline passed).</summary>
    public void Cancel(long callId)
    {
        if (_calls.TryGetValue(callId, out CancellationTokenSource? cancellation))
        {
            TryCancel(cancellation);
        }
    }

    /// <summary>Sends a frame to the client; a client that keeps no room for <paramref name="timeout"/> is closed.</summary>
    /// <returns>Whether it was sent.</returns>
    public bool Send<THeader, TBody>(CallFrameKind kind, in THeader header, int bodyLength, in TBody body, CallArgsWriter<TBody> writeBody, TimeSpan timeout)
        where THeader : unmanaged
    {
        lock (_sendGate)
        {
            if (IsClosed)
            {
                return false;
            }

            try
            {
                CallFrameIo.Send(_replies, kind, header, bodyLength, body, writeBody, timeout, CancellationToken.None);
                return true;
            }
            catch (Exception exception) when (exception is TimeoutException or ObjectDisposedException or RingFormatException)
            {
                CloseLocked();
                return false;
            }
        }
    }

    /// <summary>Cancels every call in flight and stops replying.</summary>
    public void Dispose()
    {
        lock (_sendGate)
        {
            CloseLocked();
        }
    }

    private void CloseLocked()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        foreach (CancellationTokenSource cancellation in _calls.Values)
        {
            TryCancel(cancellation);
        }

        _replies.Dispose();
        _replyRing.Dispose();
    }

    private static void TryCancel(CancellationTokenSource cancellation)
    {
        try
        {
            cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call ended meanwhile.
        }
    }
}

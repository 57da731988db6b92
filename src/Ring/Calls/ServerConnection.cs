using System;
using System.Collections.Generic;
using System.Threading;

namespace RingIpc;

/// <summary>The server's side of one client: its identity, its reply ring (the server is its producer), the calls
/// it has in flight — whose tokens a cancel, a disconnect or the client's death cancels — and a small pool of
/// <see cref="CallWork"/> for its next calls.</summary>
internal sealed class ServerConnection : IDisposable
{
    private readonly object _sendGate = new();
    private readonly object _callsGate = new();
    private readonly SharedRing _replyRing;
    private readonly RingProducer _replies;
    private readonly Dictionary<long, CallWork> _calls = new();
    private readonly Stack<CallWork> _idle = new();
    private readonly int _maxIdle;
    private int _closed;

    public ServerConnection(long key, ProcessIdentity client, SharedRing replyRing, RingProducer replies, int maxIdle)
    {
        Key = key;
        Client = client;
        _replyRing = replyRing;
        _replies = replies;
        _maxIdle = maxIdle;
    }

    public long Key { get; }

    public ProcessIdentity Client { get; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public string ReplyRingName => _replyRing.Name;

    /// <summary>The longest result body a reply can carry.</summary>
    public int MaxReplyBody => CallFrameIo.MaxBody<ReplyFrame>(_replies);

    /// <summary>Registers a call in flight (on the server's reader); null if the connection is closed or the id is
    /// already in flight (a broken client).</summary>
    public CallWork? TryBegin(long callId, int methodId, ReadOnlySpan<byte> arguments, int deadlineMs)
    {
        lock (_callsGate)
        {
            if (IsClosed || _calls.ContainsKey(callId))
            {
                return null;
            }

            CallWork work = _idle.Count > 0 ? _idle.Pop() : new CallWork(this);
            work.Begin(callId, methodId, arguments, deadlineMs);
            _calls.Add(callId, work);
            return work;
        }
    }

    /// <summary>Ends a call once its reply is sent (or can no longer be): its state is pooled, or released if the
    /// connection has closed.</summary>
    public void End(CallWork work)
    {
        lock (_callsGate)
        {
            _calls.Remove(work.CallId);
            if (!IsClosed && _idle.Count < _maxIdle)
            {
                _idle.Push(work);
                return;
            }
        }

        work.Release();
    }

    /// <summary>Cancels a call in flight (the client cancelled it or its deadline passed); on the server's reader.</summary>
    public void Cancel(long callId)
    {
        CallWork? work;
        lock (_callsGate)
        {
            _calls.TryGetValue(callId, out work);
        }

        work?.Cancel();
    }

    /// <summary>Sends a frame to the client; a client that keeps no room for <paramref name="timeout"/> is closed.</summary>
    /// <returns>Whether it was sent.</returns>
    public bool Send<THeader, TBody>(CallFrameKind kind, in THeader header, int bodyLength, in TBody body, CallArgsWriter<TBody> writeBody, TimeSpan timeout)
        where THeader : unmanaged
    {
        bool failed = false;
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
                failed = true;
            }
        }

        if (failed)
        {
            Dispose();
        }

        return false;
    }

    /// <summary>Cancels every call in flight and stops replying. Never waits for a reply being sent: the sender
    /// blocked on a full reply ring is woken by the producer's disposal and finds the connection closed.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        CallWork[] running;
        lock (_callsGate)
        {
            running = new CallWork[_calls.Count];
            _calls.Values.CopyTo(running, 0);
            while (_idle.Count > 0)
            {
                _idle.Pop().Release();
            }
        }

        foreach (CallWork work in running)
        {
            work.Cancel();
        }

        // The producer's disposal waits for a send under way to end (it wakes it first); then the ring goes.
        _replies.Dispose();
        lock (_sendGate)
        {
            _replyRing.Dispose();
        }
    }
}

using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace RingIpc;

/// <summary>
/// A connection to a <see cref="CallServer"/> in another process (of either bitness): makes calls and waits for
/// their replies. Thread-safe: many calls may be in flight at once, from many threads. A generated
/// <c>{Name}Proxy</c> wraps one and implements the contract's interface.
/// </summary>
/// <remarks>
/// <para>The client writes its calls into the server's request ring and reads the replies from a reply ring of its
/// own (<see cref="CallFrames"/>), which it creates when it connects and deletes when it is disposed. A reply is
/// decoded on the client's reader thread straight from the ring, and the caller's continuation runs on that thread
/// (no hand-off: the fastest reply), or on its <see cref="SynchronizationContext"/> if it captured one. A
/// continuation that blocks there for more than a few tens of milliseconds has a new reader take over, so other
/// replies are never held up for long; code after an <c>await</c> that is slow should not count on running there.</para>
/// <para>Every call ends: with its result, the handler's exception (<see cref="RemoteCallException"/>), a
/// <see cref="TimeoutException"/> at its deadline (<see cref="CallClientOptions.CallTimeout"/>), an
/// <see cref="OperationCanceledException"/> when its token is cancelled (the server cancels the handler's token in
/// both cases), or a <see cref="CallServerExitedException"/> when the server process exits or closes its endpoint —
/// detected within <see cref="CallClientOptions.LivenessInterval"/> — after which every later call fails the same way.</para>
/// </remarks>
public sealed class CallClient : IDisposable
{
    private readonly string _endpoint;
    private readonly CallContract _contract;
    private readonly CallClientOptions _options;
    private readonly long _key;
    private readonly SharedRing _replyRing;
    private readonly RingConsumer _replies;
    private readonly SharedRing _requestRing;
    private readonly RingProducer _requests;
    private readonly ProcessIdentity _server;
    /// <summary>One sender at a time on the request ring: a call, the queued cancels, the disconnect. A semaphore, so
    /// that a call waiting for room in a full ring holds it across its awaits.</summary>
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly object _pendingGate = new();
    private readonly Dictionary<long, PendingCall> _pending = new();
    private readonly List<KeyValuePair<long, PendingCall>> _swept = new();
    private readonly ConcurrentQueue<long> _cancelsToSend = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Action<object?> _onCancelled;
    private readonly RingMessageHandler _onReply;
    private readonly List<PendingCall> _replied = new();
    private readonly InlineCallWatch _inline;
    private readonly int _maxArgs;
    private Thread? _reader;
    private Timer? _monitor;
    private long _lastCallId;
    private Exception? _failure;
    private int _monitoring;
    private int _disposed;

    private CallClient(string endpoint, CallContract contract, CallClientOptions options, long key, SharedRing replyRing, RingConsumer replies,
        SharedRing requestRing, RingProducer requests, ProcessIdentity server)
    {
        _endpoint = endpoint;
        _contract = contract;
        _options = options;
        _key = key;
        _replyRing = replyRing;
        _replies = replies;
        _requestRing = requestRing;
        _requests = requests;
        _server = server;
        _maxArgs = CallFrameIo.MaxBody<CallFrame>(requests);
        _onCancelled = OnCancelled;
        _onReply = OnReply;
        _inline = new InlineCallWatch(InlineWatchPeriod, StartReader);
    }

    /// <summary>How long a caller's continuation may run on the reader before another reader takes over (one to two of these).</summary>
    private static readonly TimeSpan InlineWatchPeriod = TimeSpan.FromMilliseconds(20);

    /// <summary>The endpoint's name.</summary>
    public string Endpoint => _endpoint;

    /// <summary>The contract this client calls.</summary>
    public CallContract Contract => _contract;

    /// <summary>The server's process id.</summary>
    public int ServerProcessId => _server.ProcessId;

    /// <summary>The longest arguments a call may carry (the request ring's longest message less the call header).</summary>
    public int MaxArgumentsLength => _maxArgs;

    /// <summary>The longest result a reply may carry (this client's reply ring's longest message less the reply header).</summary>
    public int MaxResultLength => CallFrameIo.MaxBody<ReplyFrame>(_replyRing.MaxMessageLength);

    /// <summary>Connects to the server at <paramref name="name"/>, waiting up to <paramref name="timeout"/> for its
    /// endpoint to appear (a server being started) and for it to accept.</summary>
    /// <param name="name">The endpoint's name, as the server was started with.</param>
    /// <param name="contract">The contract to call: a generated <c>{Name}Contract.Instance</c>.</param>
    /// <param name="timeout">How long to wait in all.</param>
    /// <param name="options">How to connect and call; defaults if null.</param>
    /// <exception cref="ArgumentException">The name is invalid or too long.</exception>
    /// <exception cref="TimeoutException">No server accepted in time.</exception>
    /// <exception cref="CallContractMismatchException">The server serves another contract, or another version of it.</exception>
    /// <exception cref="CallServerExitedException">The server closed its endpoint as the client connected.</exception>
    public static CallClient Connect(string name, CallContract contract, TimeSpan timeout, CallClientOptions? options = null)
    {
        if (contract is null)
        {
            throw new ArgumentNullException(nameof(contract));
        }

        CallServer.ValidateEndpointName(name);
        options = (options ?? new CallClientOptions()).Validated();
        CallDeadline deadline = CallDeadline.After(timeout);
        long key = NewKey();
        string replyName = CallFrames.ReplyRingName(name, key);
        var cleanup = new Stack<IDisposable>();
        try
        {
            SharedRing replyRing = SharedRing.Create(replyName, new RingOptions { Kind = RingKind.Spsc, Capacity = options.ReplyCapacity, Access = options.Access });
            cleanup.Push(new DeleteOnDispose(replyName));
            cleanup.Push(replyRing);
            RingConsumer replies = replyRing.CreateConsumer(options.WaitStrategy);
            cleanup.Push(replies);
            SharedRing requestRing = OpenEndpoint(name, deadline);
            cleanup.Push(requestRing);
            if (requestRing.Kind != RingKind.Mpsc)
            {
                throw new CallProtocolException($"Endpoint '{name}' is an {requestRing.Kind} ring, not a call server's MPSC request ring.");
            }

            RingProducer requests = requestRing.CreateProducer(options.WaitStrategy);
            cleanup.Push(requests);
            var connect = new ConnectFrame
            {
                ProtocolVersion = CallFrames.ProtocolVersion,
                ClientPid = ProcessIdentity.Current.ProcessId,
                ClientStartTime = ProcessIdentity.Current.StartTime,
                ClientKey = key,
                ContractFingerprint = contract.Fingerprint,
            };
            CallFrameIo.Send(requests, CallFrameKind.Connect, connect, CallWriter.SizeOfString(contract.Name), contract.Name, CallFrameIo.WriteName,
                deadline.Remaining, CancellationToken.None);
            ProcessIdentity server = AwaitAcceptance(name, contract, replies, deadline);
            var client = new CallClient(name, contract, options, key, replyRing, replies, requestRing, requests, server);
            client.Start();
            return client;
        }
        catch
        {
            while (cleanup.Count > 0)
            {
                cleanup.Pop().Dispose();
            }

            throw;
        }
    }

    /// <summary>Calls method <paramref name="methodId"/> with arguments <paramref name="args"/> (encoded by
    /// <paramref name="writeArgs"/> into exactly <paramref name="argsLength"/> bytes) and decodes its result with
    /// <paramref name="readResult"/>. Generated proxies call this; it allocates nothing per call.</summary>
    /// <exception cref="ArgumentException">The arguments are longer than the endpoint takes (<see cref="MaxArgumentsLength"/>): nothing is sent.</exception>
    /// <exception cref="CallServerExitedException">The server is gone.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    public ValueTask<TResult> CallAsync<TArgs, TResult>(int methodId, int argsLength, in TArgs args, CallArgsWriter<TArgs> writeArgs,
        CallResultReader<TResult> readResult, CancellationToken cancellationToken)
    {
        PendingCall<TResult> pending = Begin(methodId, argsLength, args, writeArgs, readResult, cancellationToken);
        return new ValueTask<TResult>(pending, pending.Version);
    }

    /// <summary>Calls method <paramref name="methodId"/>, which has no result (see the other overload).</summary>
    /// <exception cref="ArgumentException">The arguments are longer than the endpoint takes: nothing is sent.</exception>
    /// <exception cref="CallServerExitedException">The server is gone.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    public ValueTask CallAsync<TArgs>(int methodId, int argsLength, in TArgs args, CallArgsWriter<TArgs> writeArgs,
        CancellationToken cancellationToken)
    {
        PendingCall<byte> pending = Begin(methodId, argsLength, args, writeArgs, ReadNothing, cancellationToken);
        return new ValueTask(pending, pending.Version);
    }

    /// <summary>Disconnects: every pending call fails with <see cref="ObjectDisposedException"/> (the server
    /// cancels their handlers), and the reply ring is deleted.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Fail(new ObjectDisposedException(nameof(CallClient), $"The client of endpoint '{_endpoint}' was disposed; the call did not complete."));
        _monitor?.Dispose();
        // A call waiting for room gives the gate up at once: Fail cancelled its wait.
        bool gate = _sendGate.Wait(TimeSpan.FromSeconds(5));
        try
        {
            if (gate)
            {
                // A full ring gets a moment to take it; after that the server finds this process gone by its liveness check.
                CallFrameIo.Send(_requests, CallFrameKind.Disconnect, new CancelFrame { ClientKey = _key }, 0, (byte)0, CallFrameIo.WriteNothing,
                    TimeSpan.FromMilliseconds(200), CancellationToken.None);
            }
        }
        catch (Exception exception) when (exception is TimeoutException or ObjectDisposedException or RingFormatException)
        {
            // No room, or the endpoint is gone or broken: nobody to tell.
        }
        finally
        {
            _requests.Dispose();
            if (gate)
            {
                _sendGate.Release();
            }
        }

        Thread? reader;
        do
        {
            // Woken by the stop token, which Fail cancelled; a reader replaced meanwhile hands over to one that stops at once.
            reader = Volatile.Read(ref _reader);
            if (reader is not null && reader != Thread.CurrentThread)
            {
                reader.Join(TimeSpan.FromSeconds(5));
            }
        }
        while (reader != Volatile.Read(ref _reader));

        _inline.Dispose();

        _requestRing.Dispose();
        _replies.Dispose();
        _replyRing.Dispose();
        SharedRing.Delete(_replyRing.Name);
    }

    private PendingCall<TResult> Begin<TArgs, TResult>(int methodId, int argsLength, in TArgs args, CallArgsWriter<TArgs> writeArgs,
        CallResultReader<TResult> readResult, CancellationToken cancellationToken)
    {
        if (writeArgs is null || readResult is null)
        {
            throw new ArgumentNullException(writeArgs is null ? nameof(writeArgs) : nameof(readResult));
        }

        if (argsLength < 0 || argsLength > _maxArgs)
        {
            throw new ArgumentException(
                $"A call's arguments are {argsLength} bytes; endpoint '{_endpoint}' takes at most {_maxArgs} (its request ring's longest message less the {CallWriter.SizeOf<CallFrame>()}-byte call header: raise CallServerOptions.RequestCapacity, or send the data in parts).",
                nameof(argsLength));
        }

        ThrowIfFailed();
        cancellationToken.ThrowIfCancellationRequested();
        long callId = Interlocked.Increment(ref _lastCallId);
        PendingCall<TResult> pending = PendingCall<TResult>.Rent(callId, methodId, CallDeadline.After(_options.CallTimeout), readResult, cancellationToken);

        // Registered before the call is visible to the reader, the monitor or Fail, so whichever ends it disposes
        // the registration (see PendingCall): a callback can never reach a pooled instance.
        pending.RegisterCancellation(_onCancelled);
        lock (_pendingGate)
        {
            _pending.Add(callId, pending);
        }

        if (!pending.IsInFlight(callId))
        {
            Forget(callId); // cancelled as it registered, before it was in the table
            return pending;
        }

        var header = new CallFrame
        {
            ClientKey = _key,
            CallId = callId,
            MethodId = methodId,
        };
        bool holdsGate = _sendGate.Wait(0);
        if (holdsGate)
        {
            bool done = true; // sent in place (the fast path: no allocation), no longer wanted, or failed
            try
            {
                done = !ReadyToSend(pending, callId, ref header) || CallFrameIo.TrySend(_requests, CallFrameKind.Call, header, argsLength, args, writeArgs);
            }
            catch (Exception exception)
            {
                EndUnsent(pending, callId, exception, pending.CancellationToken);
            }
            finally
            {
                if (done)
                {
                    _sendGate.Release();
                }
            }

            if (done)
            {
                return pending;
            }
        }

        // The ring is full, or another call is being sent: this one is encoded now (the caller may reuse its arguments
        // once this returns) and sent asynchronously (the caller has its ValueTask).
        CancellationToken callerToken = pending.CancellationToken;
        byte[] frame;
        int frameLength;
        try
        {
            if (!holdsGate && !ReadyToSend(pending, callId, ref header))
            {
                return pending;
            }

            frame = CallFrameIo.EncodeRented(header, argsLength, args, writeArgs, out frameLength);
        }
        catch (Exception exception)
        {
            if (holdsGate)
            {
                _sendGate.Release();
            }

            EndUnsent(pending, callId, exception, callerToken);
            return pending;
        }

        _ = SendWhenRoomAsync(pending, callId, frame, frameLength, callerToken, pending.Deadline, holdsGate);
        return pending;
    }

    /// <summary>Whether the call is still to be sent (not cancelled meanwhile); sets the time it has left. Throws
    /// the client's failure.</summary>
    private bool ReadyToSend(PendingCall pending, long callId, ref CallFrame header)
    {
        ThrowIfFailed();
        if (!pending.IsInFlight(callId))
        {
            return false;
        }

        // The server gets the time left, so that its copy of the deadline passes with the caller's.
        header.DeadlineMs = pending.Deadline.Timeout == Timeout.InfiniteTimeSpan
            ? -1
            : (int)Math.Min(int.MaxValue, Math.Ceiling(pending.Deadline.Remaining.TotalMilliseconds));
        return true;
    }

    /// <summary>Sends a call that found the ring full or the gate taken, already encoded in <paramref name="frame"/>
    /// (rented; returned here): waits for the gate, then for room (<see cref="RingProducer.WaitToWriteAsync"/>, no
    /// thread blocked), up to <see cref="CallClientOptions.SendTimeout"/>, ended early by the caller's token or the
    /// client's failure. The call is only ever touched by its id from here on: once it has ended, its instance may
    /// carry another call.</summary>
    private async Task SendWhenRoomAsync(PendingCall pending, long callId, byte[] frame, int length, CancellationToken callerToken, CallDeadline deadline, bool holdsGate)
    {
        // The wait ends with the send timeout or the call's own deadline, whichever comes first: a call that has
        // ended must not keep the gate.
        TimeSpan limit = _options.SendTimeout;
        if (deadline.Timeout != Timeout.InfiniteTimeSpan && (limit == Timeout.InfiniteTimeSpan || deadline.Remaining < limit))
        {
            limit = deadline.Remaining;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, callerToken);
        if (limit != Timeout.InfiniteTimeSpan)
        {
            wait.CancelAfter(limit);
        }

        try
        {
            if (!holdsGate)
            {
                await _sendGate.WaitAsync(wait.Token).ConfigureAwait(false);
                holdsGate = true;
            }

            while (StillWanted(pending, callId) && !_requests.TryWrite(frame.AsSpan(0, length), (int)CallFrameKind.Call))
            {
                await _requests.WaitToWriteAsync(length, wait.Token).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            EndUnsent(pending, callId, exception is OperationCanceledException && !_stop.IsCancellationRequested && !callerToken.IsCancellationRequested
                ? new TimeoutException($"The request ring of endpoint '{_endpoint}' had no room for {_options.SendTimeout.TotalMilliseconds:0} ms (the server is not keeping up); nothing was sent.")
                : exception, callerToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
            if (holdsGate)
            {
                _sendGate.Release();
            }
        }
    }

    /// <summary>Whether call <paramref name="callId"/> is still to be sent; throws the client's failure.</summary>
    private bool StillWanted(PendingCall pending, long callId)
    {
        ThrowIfFailed();
        return pending.IsInFlight(callId);
    }

    /// <summary>Ends a call that was not sent with the reason: a server that died while it waited for room is
    /// reported as such, not as the cancellation of the wait; a cancelled caller was told by its callback.</summary>
    private void EndUnsent(PendingCall pending, long callId, Exception exception, CancellationToken callerToken) =>
        End(pending, callId, Volatile.Read(ref _failure) ?? (exception is OperationCanceledException && !callerToken.IsCancellationRequested
            ? new ObjectDisposedException(nameof(CallClient))
            : exception));

    private static readonly CallResultReader<byte> ReadNothing = static (ref CallReader reader) =>
    {
        reader.End();
        return 0;
    };

    private void Start()
    {
        StartReader();
        TimeSpan period = _options.CallTimeout == Timeout.InfiniteTimeSpan || _options.LivenessInterval < TimeSpan.FromMilliseconds(50)
            ? _options.LivenessInterval
            : TimeSpan.FromMilliseconds(50);
        _monitor = new Timer(static state => ((CallClient)state!).Monitor(), this, period, period);
    }

    /// <summary>Starts a reader thread (at connect, and when the current one is stuck in a caller's continuation).</summary>
    private void StartReader()
    {
        var thread = new Thread(ReadReplies) { IsBackground = true, Name = "RingIpc call client " + _endpoint };
        thread.Start(); // before it is published: Dispose joins only started threads
        Volatile.Write(ref _reader, thread);
    }

    /// <summary>The reader: takes replies off the reply ring, waiting by the client's wait strategy, and completes
    /// their calls — the last of a batch with its caller's continuation on this thread (no hand-off; see
    /// <see cref="InlineCallWatch"/>), the others on the thread pool.</summary>
    private void ReadReplies()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                bool replaced = false;
                try
                {
                    _replies.Read(_onReply, 64, Timeout.InfiniteTimeSpan, _stop.Token);
                }
                finally
                {
                    // Replies taken before a failure still complete their calls.
                    replaced = _replied.Count > 0 && !CompleteReplied();
                }

                if (replaced)
                {
                    return; // replaced while a continuation ran here: the new reader reads on
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Failed or disposed: the calls were told.
        }
        catch (ObjectDisposedException) when (_stop.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception exception)
        {
            // The reply ring is corrupt (RingFormatException): no reply can be trusted any more.
            Fail(new CallProtocolException($"The reply ring of endpoint '{_endpoint}' failed: {exception.Message}", exception));
        }
    }

    /// <summary>Completes the calls the last read answered; <c>false</c> if this reader was replaced meanwhile.</summary>
    private bool CompleteReplied()
    {
        int last = _replied.Count - 1;
        for (int i = 0; i < last; i++)
        {
            Complete(_replied[i], inline: false);
        }

        PendingCall inline = _replied[last];
        _replied.Clear();
        long running = _inline.Enter();
        Complete(inline, inline: true);
        return _inline.Leave(running);
    }

    /// <summary>Completes a call on the reader. A continuation (or a synchronization context's Post) that throws
    /// here must neither kill the reader nor keep the other calls of the batch from completing.</summary>
    private static void Complete(PendingCall pending, bool inline)
    {
        try
        {
            pending.Complete(inline);
        }
        catch (Exception)
        {
            // The call was completed before its continuation threw: there is nobody left to tell.
        }
    }

    /// <summary>One reply frame, on the reader (its payload is valid only here).</summary>
    private void OnReply(int messageType, ReadOnlySpan<byte> payload)
    {
        switch ((CallFrameKind)messageType)
        {
            case CallFrameKind.Reply:
                ReplyFrame reply;
                ReadOnlySpan<byte> body;
                try
                {
                    reply = CallFrameIo.Read<ReplyFrame>(payload, CallFrameKind.Reply, out body);
                }
                catch (CallProtocolException exception)
                {
                    Fail(exception); // a reply we cannot attribute: the connection is broken
                    return;
                }

                PendingCall? pending;
                lock (_pendingGate)
                {
                    _pending.TryGetValue(reply.CallId, out pending);
                }

                if (pending is null || !pending.TryEnd(reply.CallId))
                {
                    return; // a call that already ended (cancelled, timed out): its late reply is dropped
                }

                Forget(reply.CallId);
                if (reply.Status == (int)CallStatus.Ok)
                {
                    pending.Decode(body);
                }
                else
                {
                    pending.Fault(ReplyFailure(pending, (CallStatus)reply.Status, body));
                }

                _replied.Add(pending);

                break;
            case CallFrameKind.Closed:
                Fail(new CallServerExitedException(_endpoint, _server.ProcessId, "closed its endpoint"));
                break;
            default:
                break; // not a reply frame: dropped
        }
    }

    private Exception ReplyFailure(PendingCall pending, CallStatus status, ReadOnlySpan<byte> body)
    {
        if (status == CallStatus.Cancelled)
        {
            // The server's copy of the deadline passed first, or the server cancelled the call as it stopped.
            return pending.Deadline.PassesWithin(TimeSpan.FromMilliseconds(50))
                ? TimedOut(pending)
                : new OperationCanceledException($"Endpoint '{_endpoint}' cancelled the call of method {pending.MethodId}.");
        }

        if (status is not (CallStatus.Fault or CallStatus.Invalid))
        {
            return new CallProtocolException($"A reply from endpoint '{_endpoint}' has status {(int)status}, which is not one of the protocol's.");
        }

        string type;
        string message;
        try
        {
            var reader = new CallReader(body);
            type = reader.ReadString("The fault's type") ?? "?";
            message = reader.ReadString("The fault's message") ?? string.Empty;
            reader.End();
        }
        catch (CallProtocolException exception)
        {
            return exception;
        }

        return status == CallStatus.Fault
            ? new RemoteCallException(type, message)
            : new CallProtocolException($"Endpoint '{_endpoint}' refused the call of method {pending.MethodId} as invalid: {message}");
    }

    /// <summary>The caller's token was cancelled (on the cancelling thread).</summary>
    private void OnCancelled(object? state)
    {
        var pending = (PendingCall)state!;
        long callId = pending.CallId;
        if (callId != 0 && End(pending, callId, new OperationCanceledException(
                $"The call of method {pending.MethodId} to endpoint '{_endpoint}' was cancelled; the server was told.", null, pending.CancellationToken)))
        {
            TellServerToCancel(callId);
        }
    }

    /// <summary>Checks deadlines and the server's liveness, and sends the cancels that found the request ring busy (on a timer).</summary>
    private void Monitor()
    {
        // Timer callbacks may overlap when one runs long: one at a time (the sweep list is not shared).
        if (Interlocked.Exchange(ref _monitoring, 1) != 0)
        {
            return;
        }

        try
        {
            MonitorOnce();
        }
        finally
        {
            Volatile.Write(ref _monitoring, 0);
        }
    }

    private void MonitorOnce()
    {
        if (Volatile.Read(ref _failure) is not null)
        {
            return;
        }

        if (!ProcessLiveness.IsAlive(_server))
        {
            Fail(new CallServerExitedException(_endpoint, _server.ProcessId, "exited"));
            return;
        }

        lock (_pendingGate)
        {
            foreach (KeyValuePair<long, PendingCall> pending in _pending)
            {
                if (pending.Value.Deadline.HasPassed)
                {
                    _swept.Add(pending);
                }
            }
        }

        // Each call is ended by the id it had in the table: an instance reused for another call since then ignores it.
        foreach (KeyValuePair<long, PendingCall> pending in _swept)
        {
            if (End(pending.Value, pending.Key, TimedOut(pending.Value)))
            {
                TellServerToCancel(pending.Key);
            }
        }

        _swept.Clear();
        SendQueuedCancels(); // never waits for a sender blocked on a full ring: the next tick tries again
    }

    private TimeoutException TimedOut(PendingCall pending) =>
        new($"The call of method {pending.MethodId} to endpoint '{_endpoint}' did not complete within its {_options.CallTimeout.TotalMilliseconds:0} ms timeout; the server was told to cancel it.");

    private void TellServerToCancel(long callId)
    {
        _cancelsToSend.Enqueue(callId);
        SendQueuedCancels();
    }

    /// <summary>Sends queued cancels while the request ring has room. A caller cancelling never waits for a sender
    /// blocked on a full ring: it leaves the cancel to the monitor.</summary>
    private void SendQueuedCancels()
    {
        if (!_sendGate.Wait(0))
        {
            return;
        }

        try
        {
            if (Volatile.Read(ref _failure) is not null)
            {
                return;
            }

            while (_cancelsToSend.TryPeek(out long callId) &&
                   CallFrameIo.TrySend(_requests, CallFrameKind.Cancel, new CancelFrame { ClientKey = _key, CallId = callId }))
            {
                _cancelsToSend.TryDequeue(out _);
            }
        }
        catch (Exception exception) when (exception is ObjectDisposedException or RingFormatException)
        {
            // The endpoint is gone or broken: the monitor will report it.
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>Ends a call with an exception, if nothing else ended it first.</summary>
    private bool End(PendingCall pending, long callId, Exception exception)
    {
        if (!pending.TryEnd(callId))
        {
            return false;
        }

        Forget(callId);
        pending.SetException(exception);
        return true;
    }

    private void Forget(long callId)
    {
        lock (_pendingGate)
        {
            _pending.Remove(callId);
        }
    }

    /// <summary>Fails every pending and later call with <paramref name="failure"/> (the first failure wins) and stops the reader.</summary>
    private void Fail(Exception failure)
    {
        if (Interlocked.CompareExchange(ref _failure, failure, null) is not null)
        {
            return;
        }

        _stop.Cancel();

        KeyValuePair<long, PendingCall>[] pending;
        lock (_pendingGate)
        {
            pending = new KeyValuePair<long, PendingCall>[_pending.Count];
            ((ICollection<KeyValuePair<long, PendingCall>>)_pending).CopyTo(pending, 0);
        }

        foreach (KeyValuePair<long, PendingCall> call in pending)
        {
            End(call.Value, call.Key, failure);
        }
    }

    private void ThrowIfFailed()
    {
        Exception? failure = Volatile.Read(ref _failure);
        if (failure is null)
        {
            return;
        }

        throw failure switch
        {
            CallServerExitedException exited => new CallServerExitedException(_endpoint, exited.ProcessId, exited.How),
            ObjectDisposedException => new ObjectDisposedException(nameof(CallClient), $"The client of endpoint '{_endpoint}' was disposed."),
            _ => new CallProtocolException($"The connection to endpoint '{_endpoint}' failed earlier: {failure.Message}", failure),
        };
    }

    private static long NewKey()
    {
        var bytes = new byte[8];
        using (var random = RandomNumberGenerator.Create())
        {
            long key;
            do
            {
                random.GetBytes(bytes);
                key = BitConverter.ToInt64(bytes, 0);
            }
            while (key == 0);
            return key;
        }
    }

    /// <summary>Opens the endpoint's request ring, waiting for a server that is starting.</summary>
    private static SharedRing OpenEndpoint(string name, CallDeadline deadline)
    {
        while (true)
        {
            try
            {
                return SharedRing.Open(name);
            }
            catch (System.IO.FileNotFoundException) when (!deadline.HasPassed)
            {
                Thread.Sleep(10);
            }
            catch (System.IO.FileNotFoundException exception)
            {
                throw new TimeoutException($"No call server at endpoint '{name}': its request ring did not appear within {deadline.Timeout.TotalMilliseconds:0} ms.", exception);
            }
        }
    }

    /// <summary>Waits for the server's answer to the connect frame.</summary>
    private static ProcessIdentity AwaitAcceptance(string name, CallContract contract, RingConsumer replies, CallDeadline deadline)
    {
        CallFrameKind kind = 0;
        AcceptFrame accept = default;
        string? serverContract = null;
        RingMessageHandler onFrame = (type, payload) =>
        {
            if ((CallFrameKind)type is CallFrameKind.Accepted or CallFrameKind.Refused or CallFrameKind.Closed)
            {
                accept = CallFrameIo.Read<AcceptFrame>(payload, (CallFrameKind)type, out ReadOnlySpan<byte> body);
                var reader = new CallReader(body);
                serverContract = reader.ReadString("The server's contract name");
                reader.End();
                kind = (CallFrameKind)type;
            }
        };
        while (kind == 0)
        {
            if (replies.Read(onFrame, 1, deadline.Remaining) == 0 && deadline.HasPassed)
            {
                throw new TimeoutException(
                    $"Endpoint '{name}' exists but no server answered within {deadline.Timeout.TotalMilliseconds:0} ms (a server that exited without deleting it, or one too busy to read).");
            }
        }

        if (accept.ProtocolVersion != CallFrames.ProtocolVersion || accept.ServerPid <= 0)
        {
            throw new CallProtocolException(
                $"Endpoint '{name}' answered with protocol version {accept.ProtocolVersion} and process id {accept.ServerPid}; this client speaks version {CallFrames.ProtocolVersion}.");
        }

        if (kind == CallFrameKind.Closed)
        {
            throw new CallServerExitedException(name, accept.ServerPid, "closed its endpoint");
        }

        if (kind == CallFrameKind.Refused || accept.ContractFingerprint != contract.Fingerprint || serverContract != contract.Name)
        {
            throw new CallContractMismatchException(name, contract, serverContract ?? "?", accept.ContractFingerprint);
        }

        return new ProcessIdentity(accept.ServerPid, accept.ServerStartTime);
    }

    /// <summary>Deletes the reply ring when a failed connect unwinds.</summary>
    private sealed class DeleteOnDispose(string name) : IDisposable
    {
        public void Dispose() => SharedRing.Delete(name);
    }
}

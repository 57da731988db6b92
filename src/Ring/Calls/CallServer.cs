using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace RingIpc;

/// <summary>
/// Hosts an <see cref="ICallDispatcher"/> (a generated <c>{Name}Dispatcher</c> over an implementation) on a named
/// endpoint, for clients of either bitness in other processes. Calls run one at a time by default
/// (<see cref="CallServerOptions.MaxConcurrentCalls"/>).
/// </summary>
/// <remarks>
/// <para>The endpoint is an MPSC request ring that every client writes into; each client brings its own SPSC
/// reply ring (<see cref="CallFrames"/>). A reader thread takes requests off the ring, waiting by
/// <see cref="CallServerOptions.WaitStrategy"/> — a connect, a call (its arguments copied into a pooled buffer, so
/// the ring moves on while the call runs), a cancel, a disconnect. A call that may run now runs on the reader
/// itself, with no hand-off; one that is still running after a few tens of milliseconds (a blocking legacy call)
/// has a new reader take over, so cancels and other clients are still read. Calls that must wait (the
/// <see cref="CallServerOptions.MaxConcurrentCalls"/> limit) run in order on the thread pool. The server checks every <see cref="CallServerOptions.LivenessInterval"/> that its
/// clients still run; a dead client's calls are cancelled and its reply ring deleted.</para>
/// <para>What a client sends is validated: an unknown client key or a malformed frame is dropped, a request the
/// contract cannot decode is answered with a <see cref="CallProtocolException"/>, and the server serves on.</para>
/// </remarks>
public sealed class CallServer : IDisposable
{
    /// <summary>How long a call may run on the reader before another reader takes over (one to two of these).</summary>
    private static readonly TimeSpan InlineWatchPeriod = TimeSpan.FromMilliseconds(20);

    private readonly string _name;
    private readonly ICallDispatcher _dispatcher;
    private readonly CallServerOptions _options;
    private readonly SharedRing _requestRing;
    private readonly RingConsumer _requests;
    private readonly ConcurrentDictionary<long, ServerConnection> _connections = new();
    private readonly CallQueue _calls;
    private readonly List<CallWork> _arrived = new();
    private readonly InlineCallWatch _inline;
    private readonly CancellationTokenSource _stop = new();
    private readonly RingMessageHandler _onFrame;
    private readonly WaitCallback _runQueued;
    private readonly Timer _liveness;
    private readonly ProcessIdentity? _launcher;
    private readonly TaskCompletionSource<bool> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    [ThreadStatic]
    private static CallServer? t_serving;

    private Thread _reader; // the thread that reads now (a new one takes over from a reader stuck in a long call)
    private string? _stopReason;
    private int _disposed;

    private CallServer(string name, ICallDispatcher dispatcher, CallServerOptions options, SharedRing requestRing)
    {
        _name = name;
        _dispatcher = dispatcher;
        _options = options;
        _requestRing = requestRing;
        _requests = requestRing.CreateConsumer(options.WaitStrategy);
        _launcher = options.StopWithLauncher ? CallHost.LauncherOf(Environment.GetEnvironmentVariable(CallHost.LauncherVariable)) : null;
        _calls = new CallQueue(options.MaxConcurrentCalls);
        _onFrame = OnFrame;
        _runQueued = state => _ = RunAsync((CallWork)state!);
        _inline = new InlineCallWatch(InlineWatchPeriod, StartReader);
        _reader = null!;
        StartReader();
        _liveness = new Timer(_ => CheckClients(), null, options.LivenessInterval, options.LivenessInterval);
    }

    /// <summary>The endpoint's name (its request ring's).</summary>
    public string Name => _name;

    /// <summary>How many clients are connected.</summary>
    public int ClientCount => _connections.Count;

    /// <summary>Completes when the server has stopped: disposed, its launcher exited (a host started by
    /// <see cref="CallHost.Launch"/> tied to its launcher), or its request ring failed. A host program's
    /// <c>Main</c> waits on it.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Why the server stopped (null while it serves).</summary>
    public string? StopReason => Volatile.Read(ref _stopReason);

    /// <summary>Starts serving <paramref name="dispatcher"/> at <paramref name="name"/>. A stale endpoint of a dead
    /// server by that name is replaced.</summary>
    /// <param name="name">The endpoint's name: a ring name (1 to 82 characters of A-Z, a-z, 0-9, '.', '_' and '-').</param>
    /// <param name="dispatcher">What to serve: a generated <c>{Name}Dispatcher</c>.</param>
    /// <param name="options">How to serve; defaults if null.</param>
    /// <exception cref="ArgumentException">The name is invalid or too long.</exception>
    /// <exception cref="System.IO.IOException">A live server already serves that name.</exception>
    public static CallServer Start(string name, ICallDispatcher dispatcher, CallServerOptions? options = null)
    {
        if (dispatcher is null)
        {
            throw new ArgumentNullException(nameof(dispatcher));
        }

        ValidateEndpointName(name);
        options = (options ?? new CallServerOptions()).Validated();
        SharedRing ring = SharedRing.Create(name, new RingOptions
        {
            Kind = RingKind.Mpsc,
            Capacity = options.RequestCapacity,
            Access = options.Access,
            ReplaceStale = StaleRingReplacement.EvenWithUnreadMessages,
        });
        try
        {
            return new CallServer(name, dispatcher, options, ring);
        }
        catch
        {
            ring.Dispose();
            SharedRing.Delete(name);
            throw;
        }
    }

    /// <summary>Stops serving: every call in flight is cancelled, every client is told (its pending and later
    /// calls fail with <see cref="CallServerExitedException"/>), and the endpoint is deleted.</summary>
    public void Dispose()
    {
        Stop("disposed");
    }

    /// <summary>Stops with <paramref name="reason"/> (the first reason stays).</summary>
    private void Stop(string reason)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Volatile.Write(ref _stopReason, reason);
        try
        {
            _stop.Cancel();
            _liveness.Dispose();

            // Cancel the calls first: a reader running one inline (a blocking handler) returns sooner.
            CloseAll();
            Thread reader;
            do
            {
                // A reader replaced meanwhile hands over to a new one, which sees the stop at once.
                reader = Volatile.Read(ref _reader);
                if (reader != Thread.CurrentThread)
                {
                    reader.Join(TimeSpan.FromSeconds(5));
                }
            }
            while (reader != Volatile.Read(ref _reader));

            _inline.Dispose();
            CloseAll(); // a connect the reader took meanwhile

            // Every running call's token is cancelled now; give them a moment to return (waiting ones are ended unrun).
            // A handler that stops the server from its synchronous part is not waited for.
            int own = t_serving == this ? 1 : 0;
            for (var waited = System.Diagnostics.Stopwatch.StartNew(); _calls.Running > own && waited.Elapsed < TimeSpan.FromSeconds(5);)
            {
                Thread.Sleep(1);
            }
        }
        finally
        {
            // Whatever failed above, the endpoint goes and a host's Main returns.
            _requests.Dispose();
            _requestRing.Dispose();
            try
            {
                SharedRing.Delete(_name);
            }
            finally
            {
                _completion.TrySetResult(true);
            }
        }
    }

    /// <summary>Tells every client the server closes, and closes its connection (its calls' tokens are cancelled).</summary>
    private void CloseAll()
    {
        foreach (ServerConnection connection in _connections.Values)
        {
            SendAccept(connection, CallFrameKind.Closed);
            TryClose(connection);
        }
    }

    internal static void ValidateEndpointName(string name)
    {
        SectionName.Validate(name);
        if (name.Length > SectionName.MaxLength - CallFrames.ReplyRingSuffixLength)
        {
            throw new ArgumentException(
                $"Endpoint name '{name}' is {name.Length} characters; at most {SectionName.MaxLength - CallFrames.ReplyRingSuffixLength} leave room for the clients' reply rings.",
                nameof(name));
        }
    }

    /// <summary>Starts a reader thread (at the start, and when the current reader is stuck in a long call).</summary>
    private void StartReader()
    {
        var thread = new Thread(ReadLoop) { IsBackground = true, Name = "RingIpc call server " + _name };
        thread.Start(); // before it is published: Stop joins only started threads
        Volatile.Write(ref _reader, thread);
    }

    /// <summary>The reader: takes request frames off the ring, waiting by the server's wait strategy, and starts
    /// the calls that arrived — the last one that may run now on this thread (see <see cref="InlineCallWatch"/>).</summary>
    private void ReadLoop()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                _requests.Read(_onFrame, 64, Timeout.InfiniteTimeSpan, _stop.Token);
                if (_arrived.Count > 0 && !StartArrived())
                {
                    return; // replaced while it ran a long call: the new reader reads on
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (ObjectDisposedException) when (_stop.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception exception)
        {
            // The request ring is corrupt (RingFormatException): nothing it holds can be trusted any more.
            StopLater($"its request ring failed: {exception.Message}");
        }
    }

    /// <summary>Starts or queues the calls the last read brought; <c>false</c> if this reader was replaced while it ran one.</summary>
    private bool StartArrived()
    {
        CallWork? inline = null;
        foreach (CallWork work in _arrived)
        {
            if (_calls.TryStart(work))
            {
                if (inline is not null)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(_runQueued, inline);
                }

                inline = work;
            }
        }

        _arrived.Clear();
        if (inline is null)
        {
            return true;
        }

        long running = _inline.Enter();
        _ = RunAsync(inline); // returns at the call's first real await: the rest runs where that completes
        return _inline.Leave(running);
    }

    /// <summary>Stops from a thread that <see cref="Stop"/> waits for (the reader, the liveness timer).</summary>
    private void StopLater(string reason) => Task.Run(() => Stop(reason));

    /// <summary>One request frame, on the reader (its payload is valid only here).</summary>
    private void OnFrame(int messageType, ReadOnlySpan<byte> payload)
    {
        try
        {
            switch ((CallFrameKind)messageType)
            {
                case CallFrameKind.Call:
                    OnCall(payload);
                    break;
                case CallFrameKind.Cancel:
                    CancelFrame cancel = CallFrameIo.Read<CancelFrame>(payload, CallFrameKind.Cancel, out _);
                    if (_connections.TryGetValue(cancel.ClientKey, out ServerConnection? target))
                    {
                        target.Cancel(cancel.CallId);
                    }

                    break;
                case CallFrameKind.Connect:
                    OnConnect(payload);
                    break;
                case CallFrameKind.Disconnect:
                    CancelFrame disconnect = CallFrameIo.Read<CancelFrame>(payload, CallFrameKind.Disconnect, out _);
                    if (_connections.TryGetValue(disconnect.ClientKey, out ServerConnection? leaving))
                    {
                        Close(leaving);
                    }

                    break;
                default:
                    break; // not a request frame: dropped
            }
        }
        catch (Exception exception) when (exception is CallProtocolException or ArgumentException or InvalidOperationException or System.IO.IOException or RingFormatException)
        {
            // A malformed frame, or a reply ring we cannot use, from a broken or hostile client: dropped, the server serves on.
        }
    }

    private void OnConnect(ReadOnlySpan<byte> payload)
    {
        ConnectFrame connect = CallFrameIo.Read<ConnectFrame>(payload, CallFrameKind.Connect, out _);
        if (connect.ProtocolVersion != CallFrames.ProtocolVersion || _connections.ContainsKey(connect.ClientKey) || connect.ClientPid <= 0)
        {
            return;
        }

        SharedRing replyRing;
        try
        {
            replyRing = SharedRing.Open(CallFrames.ReplyRingName(_name, connect.ClientKey));
        }
        catch (Exception exception) when (exception is System.IO.IOException or RingFormatException or UnauthorizedAccessException or ArgumentException)
        {
            return; // no such reply ring, or not one we may use: nobody to answer
        }

        ServerConnection connection;
        try
        {
            connection = new ServerConnection(connect.ClientKey, new ProcessIdentity(connect.ClientPid, connect.ClientStartTime), replyRing, replyRing.CreateProducer(_options.WaitStrategy),
                maxIdle: Math.Min(_options.MaxConcurrentCalls, 8) + 1);
        }
        catch (Exception exception) when (exception is RingRoleException or RingFormatException or System.IO.IOException)
        {
            replyRing.Dispose();
            return;
        }

        if (connect.ContractFingerprint != _dispatcher.Contract.Fingerprint)
        {
            SendAccept(connection, CallFrameKind.Refused);
            connection.Dispose();
            return;
        }

        _connections[connect.ClientKey] = connection;
        if (!SendAccept(connection, CallFrameKind.Accepted))
        {
            Close(connection);
        }
    }

    private bool SendAccept(ServerConnection connection, CallFrameKind kind)
    {
        var accept = new AcceptFrame
        {
            ProtocolVersion = CallFrames.ProtocolVersion,
            ServerPid = ProcessIdentity.Current.ProcessId,
            ServerStartTime = ProcessIdentity.Current.StartTime,
            ContractFingerprint = _dispatcher.Contract.Fingerprint,
            MaxRequestLength = CallFrameIo.MaxBody<CallFrame>(_requestRing.MaxMessageLength),
        };
        string contract = _dispatcher.Contract.Name;
        return connection.Send(kind, accept, CallWriter.SizeOfString(contract), contract, CallFrameIo.WriteName, _options.ReplyTimeout);
    }

    private void OnCall(ReadOnlySpan<byte> payload)
    {
        CallFrame call = CallFrameIo.Read<CallFrame>(payload, CallFrameKind.Call, out ReadOnlySpan<byte> arguments);
        if (!_connections.TryGetValue(call.ClientKey, out ServerConnection? connection))
        {
            return; // an unknown client: nobody to answer
        }

        CallWork? work = connection.TryBegin(call.CallId, call.MethodId, arguments, call.DeadlineMs);
        if (work is not null)
        {
            _arrived.Add(work);
        }
    }

    /// <summary>Runs a call and sends its reply, then starts the next waiting call. Never throws. It completes
    /// synchronously, allocating nothing, when the handler does.</summary>
    private async ValueTask RunAsync(CallWork work)
    {
        try
        {
            await RunAndReplyAsync(work).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Never lose the running slot (the next calls would wait for ever): a call that failed in an unforeseen
            // way (a reply that could not be sent, a fault whose message threw) drops its client.
            TryClose(work.Connection);
        }
        finally
        {
            work.Connection.End(work);
            if (_calls.Next() is { } next)
            {
                ThreadPool.UnsafeQueueUserWorkItem(_runQueued, next);
            }
        }
    }

    private async ValueTask RunAndReplyAsync(CallWork work)
    {
        CallStatus status = CallStatus.Ok;
        (string Type, string Message) fault = default;
        try
        {
            if (!work.Connection.IsClosed && !work.IsCancellationRequested)
            {
                ValueTask dispatch;
                t_serving = this; // for a handler that stops the server from its synchronous part
                try
                {
                    dispatch = _dispatcher.DispatchAsync(work.MethodId, work.Arguments, work.Reply, work.Token);
                }
                finally
                {
                    t_serving = null;
                }

                await dispatch.ConfigureAwait(false);
            }
            else
            {
                status = CallStatus.Cancelled;
            }
        }
        catch (OperationCanceledException) when (work.IsCancellationRequested)
        {
            status = CallStatus.Cancelled;
        }
        catch (CallProtocolException exception)
        {
            status = CallStatus.Invalid;
            fault = (exception.GetType().FullName!, exception.Message);
        }
        catch (Exception exception)
        {
            status = CallStatus.Fault;
            fault = (exception.GetType().FullName!, exception.Message);
        }

        Reply(work, status, fault);
    }

    private void TryClose(ServerConnection connection)
    {
        try
        {
            Close(connection);
        }
        catch (Exception)
        {
            connection.Dispose(); // deleting a dead client's reply ring failed: it stays for the next stale-ring sweep
        }
    }

    private void Reply(CallWork work, CallStatus status, (string Type, string Message) fault)
    {
        ServerConnection connection = work.Connection;
        if (status == CallStatus.Ok && work.Reply.Length > connection.MaxReplyBody)
        {
            status = CallStatus.Fault;
            fault = (typeof(ArgumentException).FullName!,
                $"The result is {work.Reply.Length} bytes; the client's reply ring takes at most {connection.MaxReplyBody} (raise the client's reply capacity).");
        }

        if (status is CallStatus.Fault or CallStatus.Invalid && CallFrameIo.FaultLength(fault) > connection.MaxReplyBody)
        {
            fault = Shortened(fault, connection.MaxReplyBody);
        }

        var header = new ReplyFrame { CallId = work.CallId, Status = (int)status };
        try
        {
            bool sent = status == CallStatus.Ok
                ? connection.Send(CallFrameKind.Reply, header, work.Reply.Length, work.Reply, WriteResult, _options.ReplyTimeout)
                : connection.Send(CallFrameKind.Reply, header, status == CallStatus.Cancelled ? 0 : CallFrameIo.FaultLength(fault), fault,
                    status == CallStatus.Cancelled ? WriteNoFault : CallFrameIo.WriteFault, _options.ReplyTimeout);
            if (!sent)
            {
                Close(connection);
            }
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or RingFormatException)
        {
            // A reply the client's ring cannot take: that client is dropped, the server serves on.
            Close(connection);
        }
    }

    /// <summary>A fault cut to fit <paramref name="maxBody"/> bytes (a UTF-8 character takes at most 3 bytes per UTF-16 unit).</summary>
    private static (string Type, string Message) Shortened((string Type, string Message) fault, int maxBody)
    {
        int room = Math.Max(0, (maxBody - 2 * sizeof(int)) / 3);
        string type = Prefix(fault.Type, room / 2);
        int left = Math.Max(0, room - type.Length - 1);
        return (type, fault.Message.Length > left ? Prefix(fault.Message, left - 1) + "…" : fault.Message);
    }

    /// <summary>At most the first <paramref name="length"/> UTF-16 units of <paramref name="text"/>, never half a surrogate pair.</summary>
    private static string Prefix(string text, int length)
    {
        if (text.Length <= length)
        {
            return text;
        }

        if (length <= 0)
        {
            return string.Empty;
        }

        return text.Substring(0, char.IsHighSurrogate(text[length - 1]) ? length - 1 : length);
    }

    private static readonly CallArgsWriter<CallReplyWriter> WriteResult = static (ref CallWriter writer, in CallReplyWriter reply) => writer.WriteRaw(reply.Result);

    private static readonly CallArgsWriter<(string Type, string Message)> WriteNoFault = static (ref CallWriter writer, in (string Type, string Message) fault) => { };

    /// <summary>Closes the connections of clients whose process is gone; stops when the launcher is.</summary>
    private void CheckClients()
    {
        if (_launcher is { } launcher && !ProcessLiveness.IsAlive(launcher))
        {
            StopLater($"its launcher, process {launcher.ProcessId}, exited");
            return;
        }

        foreach (ServerConnection connection in _connections.Values)
        {
            if (connection.IsClosed || !ProcessLiveness.IsAlive(connection.Client))
            {
                Close(connection);
            }
        }
    }

    private void Close(ServerConnection connection)
    {
        connection.Dispose();
        if (((ICollection<KeyValuePair<long, ServerConnection>>)_connections).Remove(new KeyValuePair<long, ServerConnection>(connection.Key, connection)) && !ProcessLiveness.IsAlive(connection.Client))
        {
            SharedRing.DeleteIfStale(connection.ReplyRingName, evenWithUnreadMessages: true);
        }
    }
}

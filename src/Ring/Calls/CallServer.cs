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
/// reply ring (<see cref="CallFrames"/>). One reader takes requests off the ring — a connect, a call (its
/// arguments copied into a pooled buffer, so the ring moves on while the call runs), a cancel, a disconnect — and
/// queues calls for the workers. The server checks every <see cref="CallServerOptions.LivenessInterval"/> that its
/// clients still run; a dead client's calls are cancelled and its reply ring deleted.</para>
/// <para>What a client sends is validated: an unknown client key or a malformed frame is dropped, a request the
/// contract cannot decode is answered with a <see cref="CallProtocolException"/>, and the server serves on.</para>
/// </remarks>
public sealed class CallServer : IDisposable
{
    private readonly string _name;
    private readonly ICallDispatcher _dispatcher;
    private readonly CallServerOptions _options;
    private readonly SharedRing _requestRing;
    private readonly RingConsumer _requests;
    private readonly ConcurrentDictionary<long, ServerConnection> _connections = new();
    private readonly ConcurrentQueue<CallWork> _queue = new();
    private readonly SemaphoreSlim _queued = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly RingMessageHandler _onFrame;
    private readonly Task _reader;
    private readonly Task[] _workers;
    private readonly Timer _liveness;
    private readonly ProcessIdentity? _launcher;
    private readonly TaskCompletionSource<bool> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
        _onFrame = OnFrame;
        _reader = Task.Run(ReadAsync);
        _workers = new Task[options.MaxConcurrentCalls];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = Task.Run(WorkAsync);
        }

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
        _stop.Cancel();
        _liveness.Dispose();
        try
        {
            _reader.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Its failure was the reason to stop, or the stop itself.
        }

        foreach (ServerConnection connection in _connections.Values)
        {
            SendAccept(connection, CallFrameKind.Closed);
            Close(connection);
        }

        try
        {
            Task.WaitAll(_workers, TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Workers end with the stop token.
        }

        _requests.Dispose();
        _requestRing.Dispose();
        SharedRing.Delete(_name);
        _completion.TrySetResult(true);
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

    private async Task ReadAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await _requests.ReadAsync(_onFrame, 64, _stop.Token).ConfigureAwait(false);
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
            connection = new ServerConnection(connect.ClientKey, new ProcessIdentity(connect.ClientPid, connect.ClientStartTime), replyRing, replyRing.CreateProducer(_options.WaitStrategy));
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

        var cancellation = new CancellationTokenSource();
        if (call.DeadlineMs >= 0)
        {
            cancellation.CancelAfter(call.DeadlineMs);
        }

        if (!connection.TryBegin(call.CallId, cancellation))
        {
            cancellation.Dispose();
            return;
        }

        byte[] copy = arguments.Length == 0 ? Array.Empty<byte>() : ArrayPool<byte>.Shared.Rent(arguments.Length);
        arguments.CopyTo(copy);
        _queue.Enqueue(new CallWork(connection, call.CallId, call.MethodId, copy, arguments.Length, cancellation));
        _queued.Release();
    }

    private async Task WorkAsync()
    {
        var reply = new CallReplyWriter();
        try
        {
            while (true)
            {
                await _queued.WaitAsync(_stop.Token).ConfigureAwait(false);
                if (_queue.TryDequeue(out CallWork? work))
                {
                    try
                    {
                        await RunAsync(work, reply).ConfigureAwait(false);
                    }
                    catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or RingFormatException)
                    {
                        // A reply the client's ring cannot take (a fault longer than it): that client is dropped,
                        // the worker serves on.
                        Close(work.Connection);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed.
        }
        finally
        {
            reply.Return();
        }
    }

    private async Task RunAsync(CallWork work, CallReplyWriter reply)
    {
        CallStatus status = CallStatus.Ok;
        (string Type, string Message) fault = default;
        reply.Reset();
        try
        {
            if (!work.Connection.IsClosed && !work.Cancellation.IsCancellationRequested)
            {
                await _dispatcher.DispatchAsync(work.MethodId, new ReadOnlyMemory<byte>(work.Arguments, 0, work.Length), reply, work.Cancellation.Token).ConfigureAwait(false);
            }
            else
            {
                status = CallStatus.Cancelled;
            }
        }
        catch (OperationCanceledException) when (work.Cancellation.IsCancellationRequested)
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
        finally
        {
            work.Connection.End(work.CallId);
            work.Cancellation.Dispose();
            if (work.Arguments.Length != 0)
            {
                ArrayPool<byte>.Shared.Return(work.Arguments);
            }
        }

        if (status == CallStatus.Ok && reply.Length > work.Connection.MaxReplyBody)
        {
            status = CallStatus.Fault;
            fault = (typeof(ArgumentException).FullName!,
                $"The result is {reply.Length} bytes; the client's reply ring takes at most {work.Connection.MaxReplyBody} (raise the client's reply capacity).");
        }

        if (status is CallStatus.Fault or CallStatus.Invalid && CallFrameIo.FaultLength(fault) > work.Connection.MaxReplyBody)
        {
            fault = Shortened(fault, work.Connection.MaxReplyBody);
        }

        var header = new ReplyFrame { CallId = work.CallId, Status = (int)status };
        bool sent = status == CallStatus.Ok
            ? work.Connection.Send(CallFrameKind.Reply, header, reply.Length, reply, WriteResult, _options.ReplyTimeout)
            : work.Connection.Send(CallFrameKind.Reply, header, status == CallStatus.Cancelled ? 0 : CallFrameIo.FaultLength(fault), fault,
                status == CallStatus.Cancelled ? WriteNoFault : CallFrameIo.WriteFault, _options.ReplyTimeout);
        if (!sent)
        {
            Close(work.Connection);
        }
    }

    /// <summary>A fault cut to fit <paramref name="maxBody"/> bytes (a UTF-8 character takes at most 3 bytes per UTF-16 unit).</summary>
    private static (string Type, string Message) Shortened((string Type, string Message) fault, int maxBody)
    {
        int room = Math.Max(0, (maxBody - 2 * sizeof(int)) / 3);
        string type = fault.Type.Length > room / 2 ? fault.Type.Substring(0, room / 2) : fault.Type;
        int left = Math.Max(0, room - type.Length - 1);
        string message = fault.Message.Length > left ? fault.Message.Substring(0, left) + "…" : fault.Message;
        return (type, message.Length > left ? message.Substring(0, left) : message);
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

    private sealed class CallWork(ServerConnection connection, long callId, int methodId, byte[] arguments, int length, CancellationTokenSource cancellation)
    {
        public ServerConnection Connection { get; } = connection;

        public long CallId { get; } = callId;

        public int MethodId { get; } = methodId;

        public byte[] Arguments { get; } = arguments;

        public int Length { get; } = length;

        public CancellationTokenSource Cancellation { get; } = cancellation;
    }
}

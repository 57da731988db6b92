using System;
using System.IO.Pipes;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using StreamJsonRpc;

namespace RingIpc.Bench.Micro;

/// <summary>
/// One RPC round trip with the server in this process (client and server on their own threads, so the thread hops
/// and wake-ups between them are in the time, the second process is not): RingIpc's generated proxy and dispatcher
/// over a <see cref="CallServer"/>, the hand-written length-prefixed call over a named pipe, and StreamJsonRpc over a
/// named pipe. Every reply is checked. <see cref="MemoryDiagnoserAttribute">MemoryDiagnoser</see> counts what the whole
/// process allocates per call: client, server and their background threads.
/// </summary>
[MemoryDiagnoser]
public class RpcMicroBenchmarks
{
    private string _endpoint = "";
    private CallServer? _server;
    private RingRpcCaller? _ring;
    private NamedPipeServerStream? _pipeServer;
    private Thread? _pipeThread;
    private PipeRpcCaller? _pipe;
    private NamedPipeServerStream? _jsonPipe;
    private JsonRpc? _jsonServer;
    private JsonRpcCaller? _json;
    private long _sequence;

    /// <summary>A call server at a fresh endpoint and a client of it.</summary>
    [GlobalSetup(Target = nameof(RingIpcCall))]
    public void SetupRing()
    {
        _endpoint = $"bench-micro-rpc-{Environment.ProcessId}-{Guid.NewGuid():N}";
        _server = CallServer.Start(_endpoint, new QuoteServiceDispatcher(new QuoteService()));
        _ring = new RingRpcCaller(CallClient.Connect(_endpoint, QuoteServiceContract.Instance, TimeSpan.FromSeconds(10)));
    }

    /// <summary>A pipe server thread and a client of it.</summary>
    [GlobalSetup(Target = nameof(HandWrittenPipeCall))]
    public void SetupPipe()
    {
        string name = $"ringipc-micro-{Guid.NewGuid():N}";
        NamedPipeServerStream server = RpcBaselineServers.Listen(name, asynchronous: false);
        _pipeServer = server;
        _pipeThread = new Thread(() =>
        {
            server.WaitForConnection();
            RpcBaselineServers.ServePipe(server);
        }) { IsBackground = true, Name = "pipe server" };
        _pipeThread.Start();
        _pipe = new PipeRpcCaller(name);
    }

    /// <summary>A JSON-RPC server on a pipe and a client of it.</summary>
    [GlobalSetup(Target = nameof(StreamJsonRpcCall))]
    public void SetupJson()
    {
        string name = $"ringipc-micro-{Guid.NewGuid():N}";
        _jsonPipe = RpcBaselineServers.Listen(name, asynchronous: true);
        Task accepted = _jsonPipe.WaitForConnectionAsync();
        _json = new JsonRpcCaller(name);
        accepted.Wait(TimeSpan.FromSeconds(10));
        _jsonServer = RpcBaselineServers.AttachJson(_jsonPipe, new QuoteJsonTarget());
    }

    /// <summary>Disconnects and stops whatever the benchmark set up.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _ring?.Dispose();
        _server?.Dispose();
        _pipe?.Dispose(); // the server thread sees the end of the pipe and returns
        _pipeThread?.Join(TimeSpan.FromSeconds(5));
        _pipeServer?.Dispose();
        _json?.Dispose();
        _jsonServer?.Dispose();
        _jsonPipe?.Dispose();
    }

    /// <summary>RingIpc: <c>QuoteServiceProxy.PriceAsync</c> to an in-process <see cref="CallServer"/>.</summary>
    [Benchmark(Baseline = true, Description = "RingIpc call (proxy → CallServer)")]
    public ValueTask RingIpcCall() => _ring!.CallAsync(_sequence++);

    /// <summary>A length-prefixed binary frame each way over a named pipe, blocking, no serializer.</summary>
    [Benchmark(Description = "hand-written call over a named pipe")]
    public ValueTask HandWrittenPipeCall() => _pipe!.CallAsync(_sequence++);

    /// <summary>StreamJsonRpc's <c>InvokeAsync</c> over a named pipe, default formatter.</summary>
    [Benchmark(Description = "StreamJsonRpc call over a named pipe")]
    public ValueTask StreamJsonRpcCall() => _json!.CallAsync(_sequence++);
}

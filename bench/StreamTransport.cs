using System;
using System.Diagnostics;
using System.IO;
using System.IO.Pipes;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace RingIpc.Bench;

/// <summary>The byte-stream transports a C# user would pick instead of a ring: each connects this process (the
/// writer) with a child process (the reader). <see cref="Connect"/> runs in the writer, <see cref="Open"/> in the
/// child, given the address the writer printed into the child's arguments.</summary>
internal enum StreamKind
{
    /// <summary>An anonymous pipe: the child's standard input.</summary>
    AnonymousPipe,

    /// <summary><c>System.IO.Pipes</c> named pipe (a Unix domain socket under the hood on Linux).</summary>
    NamedPipe,

    /// <summary>A Unix domain stream socket.</summary>
    UnixSocket,

    /// <summary>TCP over loopback with <c>NoDelay</c>.</summary>
    Tcp,
}

/// <summary>Creating and joining the connection of each <see cref="StreamKind"/>.</summary>
internal static class StreamTransport
{
    /// <summary>The label of a transport in the tables.</summary>
    public static string Label(StreamKind kind, bool buffered) => kind switch
    {
        StreamKind.AnonymousPipe => "anon pipe",
        StreamKind.NamedPipe => "named pipe",
        StreamKind.UnixSocket => "unix socket",
        _ => "tcp",
    } + (buffered ? " +buf" : "");

    /// <summary>The writer's end, listening; <see cref="Listener.Address"/> goes to the child, then <see
    /// cref="Listener.Accept"/> waits for it.</summary>
    public static Listener Listen(StreamKind kind) => kind switch
    {
        StreamKind.NamedPipe => new PipeListener(),
        StreamKind.UnixSocket => new SocketListener(new UnixDomainSocketEndPoint(Path.Combine(Path.GetTempPath(), $"ringipc-bench-{Guid.NewGuid():N}.sock"))),
        StreamKind.Tcp => new SocketListener(new IPEndPoint(IPAddress.Loopback, 0)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "the anonymous pipe is the child's standard input"),
    };

    /// <summary>The child's end, connected to the address the writer gave it.</summary>
    public static Stream Open(StreamKind kind, string address)
    {
        switch (kind)
        {
            case StreamKind.AnonymousPipe:
                return Console.OpenStandardInput();
            case StreamKind.NamedPipe:
                var pipe = new NamedPipeClientStream(".", address, PipeDirection.In);
                pipe.Connect(TimeSpan.FromSeconds(30));
                return pipe;
            default:
                EndPoint endPoint = kind == StreamKind.Tcp ? IPEndPoint.Parse(address) : new UnixDomainSocketEndPoint(address);
                var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, kind == StreamKind.Tcp ? ProtocolType.Tcp : ProtocolType.Unspecified);
                socket.Connect(endPoint);
                if (kind == StreamKind.Tcp)
                {
                    socket.NoDelay = true;
                }

                return new NetworkStream(socket, ownsSocket: true);
        }
    }

    /// <summary>A listening writer's end.</summary>
    internal abstract class Listener : IDisposable
    {
        /// <summary>What the child needs to connect.</summary>
        public abstract string Address { get; }

        /// <summary>Waits for <paramref name="child"/> to connect and returns the writer's stream.</summary>
        /// <exception cref="InvalidOperationException">The child exited first.</exception>
        /// <exception cref="TimeoutException">It did not connect within <paramref name="timeout"/>.</exception>
        public Stream Accept(Process child, TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource();
            Task<Stream> accepting = AcceptAsync(cancel.Token);
            var clock = Stopwatch.StartNew();
            while (!accepting.Wait(50))
            {
                if (child.HasExited || clock.Elapsed > timeout)
                {
                    cancel.Cancel();
                    throw child.HasExited
                        ? new InvalidOperationException($"the child process exited (code {child.ExitCode}) before it connected")
                        : new TimeoutException($"the child process did not connect within {timeout.TotalSeconds:0} s");
                }
            }

            return accepting.Result;
        }

        /// <summary>Waits for a connection and returns the writer's stream.</summary>
        protected abstract Task<Stream> AcceptAsync(CancellationToken cancellationToken);

        /// <inheritdoc />
        public abstract void Dispose();
    }

    private sealed class PipeListener : Listener
    {
        private readonly string _name = $"ringipc-bench-{Guid.NewGuid():N}";
        private NamedPipeServerStream? _server;

        public override string Address => _name;

        protected override async Task<Stream> AcceptAsync(CancellationToken cancellationToken)
        {
            _server = new NamedPipeServerStream(_name, PipeDirection.Out, 1, PipeTransmissionMode.Byte, PipeOptions.Asynchronous);
            await _server.WaitForConnectionAsync(cancellationToken).ConfigureAwait(false);
            return _server;
        }

        public override void Dispose() => _server?.Dispose();
    }

    private sealed class SocketListener : Listener
    {
        private readonly Socket _socket;

        public SocketListener(EndPoint endPoint)
        {
            _socket = new Socket(endPoint.AddressFamily, SocketType.Stream, endPoint is IPEndPoint ? ProtocolType.Tcp : ProtocolType.Unspecified);
            _socket.Bind(endPoint);
            _socket.Listen(1);
        }

        public override string Address => _socket.LocalEndPoint switch
        {
            UnixDomainSocketEndPoint unix => unix.ToString()!,
            var other => other!.ToString()!,
        };

        protected override async Task<Stream> AcceptAsync(CancellationToken cancellationToken)
        {
            Socket connection = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            if (connection.ProtocolType == ProtocolType.Tcp)
            {
                connection.NoDelay = true;
            }

            return new NetworkStream(connection, ownsSocket: true);
        }

        public override void Dispose()
        {
            string? path = (_socket.LocalEndPoint as UnixDomainSocketEndPoint)?.ToString();
            _socket.Dispose();
            if (path is not null)
            {
                File.Delete(path);
            }
        }
    }
}

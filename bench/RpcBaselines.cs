using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Pipes;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using StreamJsonRpc;

namespace RingIpc.Bench;

/// <summary>One RPC client of the benchmark: makes call number <c>sequence</c> (request <see cref="Quotes.Request"/>)
/// and checks its reply, throwing if it is wrong.</summary>
internal interface IRpcCaller : IDisposable
{
    /// <summary>Makes one call and checks the reply.</summary>
    ValueTask CallAsync(long sequence);
}

/// <summary>A RingIpc client through the generated proxy.</summary>
internal sealed class RingRpcCaller : IRpcCaller
{
    private readonly CallClient _client;
    private readonly QuoteServiceProxy _proxy;

    public RingRpcCaller(CallClient client)
    {
        _client = client;
        _proxy = new QuoteServiceProxy(client);
    }

    // Pooled: a call that completes later allocates no state machine here (the micro benchmark counts allocations).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask CallAsync(long sequence)
    {
        QuoteReply reply = await _proxy.PriceAsync(Quotes.Request(sequence), CancellationToken.None).ConfigureAwait(false);
        Quotes.Check("RingIpc", sequence, reply);
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>StreamJsonRpc over a named pipe: <c>JsonRpc.Attach</c> with its defaults (header-delimited JSON,
/// Newtonsoft.Json), calling the server's "Price" with a <see cref="QuoteRequestDto"/>.</summary>
internal sealed class JsonRpcCaller : IRpcCaller
{
    private readonly NamedPipeClientStream _pipe;
    private readonly JsonRpc _rpc;

    public JsonRpcCaller(string pipeName)
    {
        _pipe = new NamedPipeClientStream(".", pipeName, PipeDirection.InOut, PipeOptions.Asynchronous);
        _pipe.Connect(TimeSpan.FromSeconds(30));
        _rpc = JsonRpc.Attach(_pipe);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask CallAsync(long sequence)
    {
        QuoteRequest request = Quotes.Request(sequence);
        var dto = new QuoteRequestDto { Sequence = request.Sequence, Instrument = request.Instrument, Quantity = request.Quantity, Buy = request.Buy };
        QuoteReplyDto reply = await _rpc.InvokeAsync<QuoteReplyDto>(nameof(QuoteJsonTarget.Price), dto).ConfigureAwait(false);
        Quotes.Check("StreamJsonRpc", sequence, reply.Sequence, reply.Price, reply.Notional);
    }

    public void Dispose()
    {
        _rpc.Dispose();
        _pipe.Dispose();
    }
}

/// <summary>The hand-written call over a named pipe: one length-prefixed binary frame each way
/// (<see cref="PipeFrames"/>), blocking reads and writes, no serializer.</summary>
internal sealed class PipeRpcCaller : IRpcCaller
{
    private readonly Stream _pipe;
    private readonly PipeFrames _frames = new();

    public PipeRpcCaller(string pipeName)
    {
        var pipe = new NamedPipeClientStream(".", pipeName, PipeDirection.InOut);
        pipe.Connect(TimeSpan.FromSeconds(30));
        _pipe = pipe;
    }

    /// <summary>A caller over a connected stream (the micro benchmark's in-process pipe).</summary>
    public PipeRpcCaller(Stream connected) => _pipe = connected;

    public ValueTask CallAsync(long sequence)
    {
        QuoteReply reply = Call(Quotes.Request(sequence));
        Quotes.Check("hand-written pipe", sequence, reply);
        return default;
    }

    /// <summary>One round trip: the request frame out, the reply frame back.</summary>
    public QuoteReply Call(in QuoteRequest request)
    {
        _pipe.Write(_frames.Request(request));
        if (!_frames.TryRead(_pipe, PipeFrames.ReplyLength, out ReadOnlySpan<byte> body))
        {
            throw new EndOfStreamException("the pipe server closed the pipe");
        }

        return PipeFrames.ReadReply(body);
    }

    public void Dispose() => _pipe.Dispose();
}

/// <summary>
/// The hand-written wire format: a 4-byte little-endian length, then the fields as little-endian binary (request:
/// sequence, instrument, quantity, buy = 21 bytes; reply: sequence, price, notional = 24 bytes). A reader takes what
/// the pipe has into one buffer and cuts frames out of it, so one call costs one write and (usually) one read per side.
/// </summary>
internal sealed class PipeFrames
{
    /// <summary>The request body's length.</summary>
    public const int RequestLength = 21;

    /// <summary>The reply body's length.</summary>
    public const int ReplyLength = 24;

    private readonly byte[] _out = new byte[4 + Math.Max(RequestLength, ReplyLength)];
    private readonly byte[] _in = new byte[256];
    private int _start;
    private int _end;

    /// <summary>The frame of <paramref name="request"/> (valid until the next frame is built).</summary>
    public ReadOnlySpan<byte> Request(in QuoteRequest request)
    {
        Span<byte> frame = _out.AsSpan(0, 4 + RequestLength);
        BinaryPrimitives.WriteInt32LittleEndian(frame, RequestLength);
        BinaryPrimitives.WriteInt64LittleEndian(frame.Slice(4), request.Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(frame.Slice(12), request.Instrument);
        BinaryPrimitives.WriteInt32LittleEndian(frame.Slice(20), request.Quantity);
        frame[24] = request.Buy ? (byte)1 : (byte)0;
        return frame;
    }

    /// <summary>The frame of <paramref name="reply"/>.</summary>
    public ReadOnlySpan<byte> Reply(in QuoteReply reply)
    {
        Span<byte> frame = _out.AsSpan(0, 4 + ReplyLength);
        BinaryPrimitives.WriteInt32LittleEndian(frame, ReplyLength);
        BinaryPrimitives.WriteInt64LittleEndian(frame.Slice(4), reply.Sequence);
        BinaryPrimitives.WriteDoubleLittleEndian(frame.Slice(12), reply.Price);
        BinaryPrimitives.WriteInt64LittleEndian(frame.Slice(20), reply.Notional);
        return frame;
    }

    /// <summary>Decodes a request body.</summary>
    public static QuoteRequest ReadRequest(ReadOnlySpan<byte> body) => new()
    {
        Sequence = BinaryPrimitives.ReadInt64LittleEndian(body),
        Instrument = BinaryPrimitives.ReadInt64LittleEndian(body.Slice(8)),
        Quantity = BinaryPrimitives.ReadInt32LittleEndian(body.Slice(16)),
        Buy = body[20] switch
        {
            0 => false,
            1 => true,
            var other => throw new InvalidDataException($"a request's buy flag is {other}, not 0 or 1"),
        },
    };

    /// <summary>Decodes a reply body.</summary>
    public static QuoteReply ReadReply(ReadOnlySpan<byte> body) => new()
    {
        Sequence = BinaryPrimitives.ReadInt64LittleEndian(body),
        Price = BinaryPrimitives.ReadDoubleLittleEndian(body.Slice(8)),
        Notional = BinaryPrimitives.ReadInt64LittleEndian(body.Slice(16)),
    };

    /// <summary>Reads the next frame, which must be <paramref name="length"/> bytes long; <c>false</c> if the pipe
    /// ended between frames. The body is valid until the next read.</summary>
    /// <exception cref="InvalidDataException">A frame of another length.</exception>
    /// <exception cref="EndOfStreamException">The pipe ended inside a frame.</exception>
    public bool TryRead(Stream stream, int length, out ReadOnlySpan<byte> body)
    {
        while (true)
        {
            int available = _end - _start;
            if (available >= 4)
            {
                int announced = BinaryPrimitives.ReadInt32LittleEndian(_in.AsSpan(_start));
                if (announced != length)
                {
                    throw new InvalidDataException($"a frame announces {announced} bytes; this one must be {length}");
                }

                if (available >= 4 + length)
                {
                    body = _in.AsSpan(_start + 4, length);
                    _start += 4 + length;
                    return true;
                }
            }

            if (_start > 0)
            {
                _in.AsSpan(_start, available).CopyTo(_in);
                _start = 0;
                _end = available;
            }

            int read = stream.Read(_in, _end, _in.Length - _end);
            if (read == 0)
            {
                body = default;
                return available == 0 ? false : throw new EndOfStreamException($"the pipe ended {available} bytes into a frame");
            }

            _end += read;
        }
    }
}

/// <summary>The servers of the two baselines (in the RPC child process, or on a thread of the micro benchmark).</summary>
internal static class RpcBaselineServers
{
    /// <summary>Answers hand-written calls until the client closes the pipe; returns how many it answered.</summary>
    public static long ServePipe(Stream pipe)
    {
        var frames = new PipeFrames();
        long served = 0;
        while (frames.TryRead(pipe, PipeFrames.RequestLength, out ReadOnlySpan<byte> body))
        {
            QuoteRequest request = PipeFrames.ReadRequest(body);
            pipe.Write(frames.Reply(Quotes.Price(request)));
            served++;
        }

        return served;
    }

    /// <summary>A named pipe server end for one client.</summary>
    public static NamedPipeServerStream Listen(string pipeName, bool asynchronous) =>
        new(pipeName, PipeDirection.InOut, 1, PipeTransmissionMode.Byte, asynchronous ? PipeOptions.Asynchronous : PipeOptions.None);

    /// <summary>Serves <see cref="QuoteJsonTarget"/> with StreamJsonRpc's defaults on a connected pipe.</summary>
    public static JsonRpc AttachJson(Stream pipe, QuoteJsonTarget target) => JsonRpc.Attach(pipe, target);
}

using System;
using System.Threading;
using System.Threading.Tasks;

namespace RingIpc.Tests.Calls;

/// <summary>A hand-written <see cref="ICallDispatcher"/> and the matching client calls: the transport's tests use it,
/// independent of the generator (whose output the end-to-end tests use).</summary>
internal sealed class TestCallService : ICallDispatcher
{
    public const int Add = 1;
    public const int Wait = 2;
    public const int Throw = 3;
    public const int Bytes = 4;
    public const int Invalid = 5;
    public const int Overlap = 6;
    public const int Block = 7;
    public const int Gate = 8;

    public static readonly CallContract Instance = new("RingIpc.Tests.TestCallService", 0x1234_5678_9ABC_DEF0UL);

    private int _running;
    private int _mostRunning;

    public CallContract Contract => Instance;

    /// <summary>Completes with whether a <see cref="Wait"/> handler saw its token cancelled.</summary>
    public TaskCompletionSource<bool> WaitEnded { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set when a <see cref="Wait"/> handler starts.</summary>
    public TaskCompletionSource<bool> WaitStarted { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What a <see cref="Gate"/> handler waits for.</summary>
    public TaskCompletionSource<bool> GateOpened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The most <see cref="Overlap"/> handlers that ran at once.</summary>
    public int MostRunning => Volatile.Read(ref _mostRunning);

    public void ResetWait()
    {
        WaitEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
        WaitStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public async ValueTask DispatchAsync(int methodId, ReadOnlyMemory<byte> request, CallReplyWriter reply, CancellationToken cancellationToken)
    {
        switch (methodId)
        {
            case Add:
                (int a, int b) = ReadPair(request.Span);
                CallWriter sum = reply.Begin(CallWriter.SizeOf<int>());
                sum.Write(a + b);
                return;
            case Wait:
                int ms = ReadInt(request.Span);
                WaitStarted.TrySetResult(true);
                try
                {
                    await Task.Delay(ms, cancellationToken).ConfigureAwait(false);
                    WaitEnded.TrySetResult(false);
                }
                catch (OperationCanceledException)
                {
                    WaitEnded.TrySetResult(true);
                    throw;
                }

                return;
            case Throw:
                throw new InvalidOperationException(ReadText(request.Span));
            case Bytes:
                int length = ReadInt(request.Span);
                CallWriter bytes = reply.Begin(CallWriter.SizeOfBytes(length));
                var data = new byte[length];
                for (int i = 0; i < length; i++)
                {
                    data[i] = (byte)i;
                }

                bytes.WriteBytes(data);
                return;
            case Invalid:
                throw new CallProtocolException("the test says this request is invalid");
            case Block:
                // A legacy call that blocks its thread (it completes synchronously), polling its token.
                int limit = ReadInt(request.Span);
                WaitStarted.TrySetResult(true);
                var blocked = System.Diagnostics.Stopwatch.StartNew();
                while (!cancellationToken.IsCancellationRequested && blocked.ElapsedMilliseconds < limit)
                {
                    Thread.Sleep(1);
                }

                WaitEnded.TrySetResult(cancellationToken.IsCancellationRequested);
                cancellationToken.ThrowIfCancellationRequested();
                return;
            case Gate:
                await GateOpened.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                return;
            case Overlap:
                int now = Interlocked.Increment(ref _running);
                int most;
                while (now > (most = Volatile.Read(ref _mostRunning)) && Interlocked.CompareExchange(ref _mostRunning, now, most) != most)
                {
                }

                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
                Interlocked.Decrement(ref _running);
                return;
            default:
                throw CallProtocolException.UnknownMethod(Instance, methodId);
        }
    }

    private static (int A, int B) ReadPair(ReadOnlySpan<byte> request)
    {
        var reader = new CallReader(request);
        int a = reader.Read<int>("a");
        int b = reader.Read<int>("b");
        reader.End();
        return (a, b);
    }

    private static int ReadInt(ReadOnlySpan<byte> request)
    {
        var reader = new CallReader(request);
        int value = reader.Read<int>("value");
        reader.End();
        return value;
    }

    private static string ReadText(ReadOnlySpan<byte> request)
    {
        var reader = new CallReader(request);
        string text = reader.ReadString("text") ?? string.Empty;
        reader.End();
        return text;
    }

    // The client side, as a generated proxy would write it.
    private static readonly CallArgsWriter<(int A, int B)> WritePair = static (ref CallWriter writer, in (int A, int B) args) =>
    {
        writer.Write(args.A);
        writer.Write(args.B);
    };

    private static readonly CallArgsWriter<int> WriteInt = static (ref CallWriter writer, in int value) => writer.Write(value);

    private static readonly CallArgsWriter<string> WriteText = static (ref CallWriter writer, in string text) => writer.WriteString(text);

    private static readonly CallResultReader<int> ReadIntResult = static (ref CallReader reader) =>
    {
        int value = reader.Read<int>("result");
        reader.End();
        return value;
    };

    private static readonly CallResultReader<byte[]> ReadBytesResult = static (ref CallReader reader) =>
    {
        byte[] value = reader.ReadBytes("result").ToArray();
        reader.End();
        return value;
    };

    public static ValueTask<int> AddAsync(CallClient client, int a, int b, CancellationToken cancellationToken = default) =>
        client.CallAsync(Add, 2 * CallWriter.SizeOf<int>(), (a, b), WritePair, ReadIntResult, cancellationToken);

    public static ValueTask WaitAsync(CallClient client, int ms, CancellationToken cancellationToken = default) =>
        client.CallAsync(Wait, CallWriter.SizeOf<int>(), ms, WriteInt, cancellationToken);

    public static ValueTask BlockAsync(CallClient client, int ms, CancellationToken cancellationToken = default) =>
        client.CallAsync(Block, CallWriter.SizeOf<int>(), ms, WriteInt, cancellationToken);

    public static ValueTask GateAsync(CallClient client) =>
        client.CallAsync(Gate, 0, (byte)0, static (ref CallWriter writer, in byte nothing) => { }, CancellationToken.None);

    public static ValueTask ThrowAsync(CallClient client, string message) =>
        client.CallAsync(Throw, CallWriter.SizeOfString(message), message, WriteText, CancellationToken.None);

    public static ValueTask<byte[]> BytesAsync(CallClient client, int length) =>
        client.CallAsync(Bytes, CallWriter.SizeOf<int>(), length, WriteInt, ReadBytesResult, CancellationToken.None);

    public static ValueTask InvalidAsync(CallClient client) =>
        client.CallAsync(Invalid, 0, (byte)0, static (ref CallWriter writer, in byte nothing) => { }, CancellationToken.None);

    public static ValueTask OverlapAsync(CallClient client) =>
        client.CallAsync(Overlap, 0, (byte)0, static (ref CallWriter writer, in byte nothing) => { }, CancellationToken.None);

    /// <summary>A call whose encoder writes fewer bytes than it announced (a broken proxy).</summary>
    public static ValueTask<int> MiscountedAsync(CallClient client) =>
        client.CallAsync(Add, 3 * CallWriter.SizeOf<int>(), (1, 2), WritePair, ReadIntResult, CancellationToken.None);

    /// <summary>A call whose arguments are <paramref name="length"/> bytes of zeros.</summary>
    public static ValueTask<int> OfLengthAsync(CallClient client, int length) =>
        client.CallAsync(Add, length, length, static (ref CallWriter writer, in int n) => writer.WriteBytesRaw(n), ReadIntResult, CancellationToken.None);
}

internal static class CallWriterTestExtensions
{
    /// <summary>Writes <paramref name="count"/> zero bytes.</summary>
    public static void WriteBytesRaw(this ref CallWriter writer, int count)
    {
        for (int i = 0; i < count; i++)
        {
            writer.Write((byte)0);
        }
    }
}

using System;
using System.Buffers;
using System.Threading;

namespace RingIpc;

/// <summary>
/// One call a <see cref="CallServer"/> runs: who sent it, its arguments (copied out of the request ring, so the
/// ring moves on while the call runs), its cancellation and the buffer its result is written into. Pooled by its
/// <see cref="ServerConnection"/>: a call that reuses one allocates nothing.
/// </summary>
/// <remarks>
/// Only the server's reader rents one (<see cref="Begin"/>), and a cancel frame is handled on the reader too, so a
/// cancel that finds an instance already back in the pool cancels an idle source: <see cref="Begin"/> then finds it
/// cancelled and takes a fresh one. Other threads cancel a connection's calls only when it closes, and a closed
/// connection pools nothing.
/// </remarks>
internal sealed class CallWork
{
    private byte[] _arguments = Array.Empty<byte>();
    private CancellationTokenSource? _cancellation;
    private bool _timed;

    public CallWork(ServerConnection connection)
    {
        Connection = connection;
    }

    public ServerConnection Connection { get; }

    public long CallId { get; private set; }

    public int MethodId { get; private set; }

    /// <summary>The encoded arguments; valid until the call is ended.</summary>
    public ReadOnlyMemory<byte> Arguments => new(_arguments, 0, Length);

    public int Length { get; private set; }

    /// <summary>Where the result is written.</summary>
    public CallReplyWriter Reply { get; } = new();

    /// <summary>The handler's token: cancelled by the caller, the deadline, or the connection closing.</summary>
    public CancellationToken Token => _cancellation!.Token;

    public bool IsCancellationRequested => _cancellation!.IsCancellationRequested;

    /// <summary>Sets this instance up for a call (on the server's reader); <paramref name="deadlineMs"/> is the time
    /// the caller gives the call (negative: none).</summary>
    public void Begin(long callId, int methodId, ReadOnlySpan<byte> arguments, int deadlineMs)
    {
        CallId = callId;
        MethodId = methodId;
        if (_arguments.Length < arguments.Length)
        {
            ReturnArguments();
            _arguments = ArrayPool<byte>.Shared.Rent(arguments.Length);
        }

        arguments.CopyTo(_arguments);
        Length = arguments.Length;
        Reply.Reset();
        _cancellation = Fresh(_cancellation, _timed);
        _timed = deadlineMs >= 0;
        if (_timed)
        {
            _cancellation.CancelAfter(deadlineMs);
        }
    }

    /// <summary>Cancels the call's token (an idle or released instance: nothing happens that matters).</summary>
    public void Cancel()
    {
        CancellationTokenSource? cancellation = Volatile.Read(ref _cancellation);
        try
        {
            cancellation?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Released meanwhile: the call has ended.
        }
        catch (AggregateException)
        {
            // A callback the handler registered threw: its call is cancelled all the same.
        }
    }

    /// <summary>Gives the buffers back (an instance that is not pooled again).</summary>
    public void Release()
    {
        ReturnArguments();
        Reply.Return();
        _cancellation?.Dispose();
    }

    /// <summary>The source for the next call: the last one reset where that is safe, else a new one. A source that
    /// had a deadline is not reused: its timer may be firing as the call ends.</summary>
    private static CancellationTokenSource Fresh(CancellationTokenSource? used, bool timed)
    {
#if NET
        if (used is not null && !timed && used.TryReset())
        {
            return used;
        }
#endif
        used?.Dispose();
        return new CancellationTokenSource();
    }

    private void ReturnArguments()
    {
        if (_arguments.Length != 0)
        {
            ArrayPool<byte>.Shared.Return(_arguments);
            _arguments = Array.Empty<byte>();
        }
    }
}

using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks.Sources;

namespace RingIpc;

/// <summary>
/// One call of a <see cref="CallClient"/> waiting for its reply: the source behind the call's
/// <see cref="System.Threading.Tasks.ValueTask{TResult}"/>. Pooled: a call takes one from its type's pool and the
/// awaiter's <c>GetResult</c> gives it back, so a call allocates nothing here.
/// </summary>
/// <remarks>
/// A call ends exactly once, by whichever comes first: its reply (on the client's reader), its cancellation (on
/// the cancelling thread), its deadline or the server's death (on the client's monitor), or the client's disposal.
/// Each of them first <see cref="TryEnd">wins the call</see> under a lock that also checks the call id, so a
/// latecomer holding a reference to a pending call that has since been pooled and reused for another call
/// changes nothing. The winner disposes the cancellation registration outside the lock (its dispose waits for a
/// callback running on another thread, which only ever takes this lock, finds the call ended and returns), and
/// only then completes the source: no callback can touch a pooled instance.
/// </remarks>
internal abstract class PendingCall
{
    private readonly object _gate = new();
    private long _callId;
    private bool _ended;
    private CancellationTokenRegistration _registration;

    /// <summary>The call's id while it is in flight; 0 once pooled.</summary>
    public long CallId
    {
        get
        {
            lock (_gate)
            {
                return _callId;
            }
        }
    }

    /// <summary>The method called (for error messages).</summary>
    public int MethodId { get; private set; }

    /// <summary>When the call times out.</summary>
    public CallDeadline Deadline { get; private set; }

    /// <summary>The token the caller passed (for the <see cref="OperationCanceledException"/>).</summary>
    public CancellationToken CancellationToken { get; private set; }

    /// <summary>Starts a use of this instance for call <paramref name="callId"/>.</summary>
    protected void Begin(long callId, int methodId, CallDeadline deadline, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _callId = callId;
            _ended = false;
        }

        _registration = default;

        MethodId = methodId;
        Deadline = deadline;
        CancellationToken = cancellationToken;
    }

    /// <summary>Calls <paramref name="onCancel"/> with this instance when the caller's token is cancelled.</summary>
    public void RegisterCancellation(Action<object?> onCancel)
    {
        if (CancellationToken.CanBeCanceled)
        {
#if NET
            _registration = CancellationToken.UnsafeRegister(onCancel, this);
#else
            _registration = CancellationToken.Register(onCancel, this);
#endif
        }
    }

    /// <summary>Whether call <paramref name="callId"/> is still waiting on this instance.</summary>
    public bool IsInFlight(long callId)
    {
        lock (_gate)
        {
            return !_ended && _callId == callId;
        }
    }

    /// <summary>Wins the right to end call <paramref name="callId"/>; <c>false</c> if it already ended (or this
    /// instance now carries another call). The winner must then complete the call.</summary>
    public bool TryEnd(long callId)
    {
        lock (_gate)
        {
            if (_ended || _callId != callId)
            {
                return false;
            }

            _ended = true;
        }

        _registration.Dispose();
        _registration = default;
        return true;
    }

    /// <summary>Decodes the won call's result from its reply's <paramref name="body"/> (a decoding error becomes the
    /// call's exception), for <see cref="Complete"/>: the body is valid only while the reader holds the reply.</summary>
    public abstract void Decode(ReadOnlySpan<byte> body);

    /// <summary>Sets the won call's exception, for <see cref="Complete"/>.</summary>
    public abstract void Fault(Exception exception);

    /// <summary>Completes the won call with what <see cref="Decode"/> or <see cref="Fault"/> left. With
    /// <paramref name="inline"/> the caller's continuation runs on this thread (the client's reader, under its
    /// <see cref="InlineCallWatch"/>), else on the thread pool.</summary>
    public abstract void Complete(bool inline);

    /// <summary>Completes the won call with an exception; its continuation runs on the thread pool.</summary>
    public abstract void SetException(Exception exception);

    /// <summary>Marks this instance free (from <c>GetResult</c>).</summary>
    protected void Clear()
    {
        lock (_gate)
        {
            _callId = 0;
        }

        // A registration stored after its callback had already ended the call (the token was cancelled as it
        // registered) was never disposed by TryEnd: dispose it before the instance carries another call.
        _registration.Dispose();
        _registration = default;
        CancellationToken = default;
    }
}

/// <summary>A pending call whose result is a <typeparamref name="TResult"/>.</summary>
internal sealed class PendingCall<TResult> : PendingCall, IValueTaskSource<TResult>, IValueTaskSource
{
    private const int PoolLimit = 256;
    private static readonly ConcurrentQueue<PendingCall<TResult>> Pool = new();
    private static int _pooled;

    private ManualResetValueTaskSourceCore<TResult> _core = new() { RunContinuationsAsynchronously = true };
    private CallResultReader<TResult>? _readResult;
    private TResult _result = default!;
    private Exception? _error;

    /// <summary>The version to put in the call's <see cref="System.Threading.Tasks.ValueTask{TResult}"/>.</summary>
    public short Version => _core.Version;

    /// <summary>A pending call from the pool (or a new one), set up for <paramref name="callId"/>.</summary>
    public static PendingCall<TResult> Rent(long callId, int methodId, CallDeadline deadline, CallResultReader<TResult> readResult, CancellationToken cancellationToken)
    {
        if (Pool.TryDequeue(out PendingCall<TResult>? pending))
        {
            Interlocked.Decrement(ref _pooled);
        }
        else
        {
            pending = new PendingCall<TResult>();
        }

        pending._readResult = readResult;
        pending.Begin(callId, methodId, deadline, cancellationToken);
        return pending;
    }

    /// <inheritdoc/>
    public override void Decode(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new CallReader(body);
            _result = _readResult!(ref reader);
        }
        catch (Exception exception)
        {
            _error = exception is CallProtocolException
                ? exception
                : new CallProtocolException($"The result of method {MethodId} could not be decoded: {exception.Message}", exception);
        }
    }

    /// <inheritdoc/>
    public override void Fault(Exception exception) => _error = exception;

    /// <inheritdoc/>
    public override void Complete(bool inline)
    {
        TResult result = _result;
        Exception? error = _error;
        _result = default!;
        _error = null;
        _core.RunContinuationsAsynchronously = !inline;
        if (error is null)
        {
            _core.SetResult(result);
        }
        else
        {
            _core.SetException(error);
        }
    }

    /// <inheritdoc/>
    public override void SetException(Exception exception)
    {
        _core.RunContinuationsAsynchronously = true;
        _core.SetException(exception);
    }

    /// <inheritdoc/>
    public TResult GetResult(short token)
    {
        if (token != _core.Version || _core.GetStatus(token) == ValueTaskSourceStatus.Pending)
        {
            throw new InvalidOperationException("A call's ValueTask was read twice, or before it completed; await it once, or call AsTask() first.");
        }

        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            Return();
        }
    }

    /// <inheritdoc/>
    void IValueTaskSource.GetResult(short token) => GetResult(token);

    /// <inheritdoc/>
    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    /// <inheritdoc/>
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Return()
    {
        _readResult = null;
        Clear();
        _core.Reset();
        if (Interlocked.Increment(ref _pooled) <= PoolLimit)
        {
            Pool.Enqueue(this);
        }
        else
        {
            Interlocked.Decrement(ref _pooled);
        }
    }
}

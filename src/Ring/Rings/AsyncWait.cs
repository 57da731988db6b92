using System;
using System.Threading;
using System.Threading.Tasks;

namespace RingIpc;

/// <summary>
/// One asynchronous wait that <see cref="AsyncRingWaiter"/> runs on its thread: a consumer's for data, or a
/// producer's for space. It holds a reference to its ring's mapping (taken by whoever created it), which
/// <see cref="TryFinish"/> releases. The waiter thread only reads the ring through <see cref="IsReady"/>.
/// </summary>
internal abstract class AsyncWait
{
    private readonly CancellationToken _cancellationToken;
    private bool _ready;
    private Exception? _error;
    private int _cancelled;

    protected AsyncWait(SharedRing ring, CancellationToken cancellationToken)
    {
        Ring = ring;
        _cancellationToken = cancellationToken;
    }

    public SharedRing Ring { get; }

    public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CancellationTokenRegistration Cancellation { get; set; }

    public CancellationToken CancellationToken => _cancellationToken;

    /// <summary>The side whose event the waiter announces on and sleeps on.</summary>
    public abstract WaitSide Side { get; }

    /// <summary>The endpoint's strategy (its sleep cap bounds the waiter's sleep).</summary>
    public abstract WaitStrategy Strategy { get; }

    /// <summary>The endpoint's wait counters.</summary>
    public abstract WaitCounters Counters { get; }

    /// <summary>Whether the endpoint or its ring was disposed.</summary>
    protected abstract bool IsDisposed { get; }

    /// <summary>The fault of a wait whose endpoint was disposed.</summary>
    protected abstract ObjectDisposedException Disposed();

    /// <summary>Whether the condition holds (read-only; may throw <see cref="RingFormatException"/>).</summary>
    protected abstract bool IsReady();

    /// <summary>Work the waiter does before each sleep so that the ring moves on (a consumer: dead producers at its head).</summary>
    protected virtual void Recover()
    {
    }

    /// <summary>Gives back what the endpoint holds while the wait is pending, before the completion (may throw).</summary>
    protected virtual void Release()
    {
    }

    /// <summary>From the token's callback: the waiter completes the wait as cancelled at its next snapshot.</summary>
    public void Cancel() => Volatile.Write(ref _cancelled, 1);

    /// <summary>Runs <see cref="Recover"/> while the wait is open; a failure becomes the wait's fault.</summary>
    public void RecoverBeforeSleep()
    {
        if (_ready || _error is not null || IsDisposed)
        {
            return;
        }

        try
        {
            Recover();
        }
        catch (Exception exception)
        {
            _error = exception;
        }
    }

    /// <summary>Whether the wait can complete: the condition holds, the endpoint is gone, the ring is corrupt, or it was cancelled.</summary>
    public bool Check()
    {
        if (_ready || _error is not null || IsDisposed || Volatile.Read(ref _cancelled) != 0)
        {
            return true;
        }

        try
        {
            _ready = IsReady();
        }
        catch (Exception exception)
        {
            _error = exception;
        }

        return _ready || _error is not null;
    }

    /// <summary>Completes the task if the wait is over, after the sleep that announced on its ring has withdrawn;
    /// releases the callback and the mapping then.</summary>
    /// <returns>Whether it is over.</returns>
    public bool TryFinish()
    {
        if (!Check())
        {
            return false;
        }

        Exception? releaseError = null;
        try
        {
            Release();
        }
        catch (Exception exception)
        {
            releaseError = exception; // never kill the one waiter thread: the awaiting caller gets it
        }

        if (releaseError is not null)
        {
            Completion.TrySetException(releaseError);
        }
        else if (Volatile.Read(ref _cancelled) != 0)
        {
            Completion.TrySetCanceled(_cancellationToken);
        }
        else if (IsDisposed)
        {
            Completion.TrySetException(Disposed());
        }
        else if (_error is not null)
        {
            Completion.TrySetException(_error);
        }
        else
        {
            Completion.TrySetResult(true);
        }

        Cancellation.Dispose();
        Ring.Section.ReleaseReference();
        return true;
    }
}

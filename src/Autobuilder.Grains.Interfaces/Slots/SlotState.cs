namespace Autobuilder.Grains;

public enum SlotState
{
    Idle,
    Busy,
    /// <summary>Finishes its build, then takes no new one.</summary>
    Draining,
    Offline,
}

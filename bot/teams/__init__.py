"""The Microsoft Teams channel (Bot Framework). Every botbuilder/botframework import lives in this package,
so moving to the Microsoft 365 Agents SDK is a one-folder change."""

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults() -> None:
    s = load_settings(_env_file=None)
    assert str(s.knowledge_dir) == "knowledge" and str(s.index_dir) == "index"
    assert s.embedding_model == "hoidoan/multilingual-e5-small-q4"


def test_admin_ids_from_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOIDOAN_ADMIN_IDS", "12, 34")
    assert load_settings(_env_file=None).admin_ids == [12, 34]


@pytest.mark.parametrize(("name", "value"), [("HOIDOAN_DENSE_WEIGHT", "1.5"), ("HOIDOAN_FUSION", "max"),
                                             ("HOIDOAN_EMBEDDING_MODEL", " "),
                                             ("HOIDOAN_EMBEDDING_RUNTIME", "gpu")])
def test_wrong_values_name_the_setting(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load_settings(_env_file=None)

"""Extensions are created unbound here and bound to the app in ``create_app``. (The OpenID
Connect client registry is per app: see ``civic.accounts.oidc``.)"""

from functools import cached_property
from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from civic.db import Base


class CivicApi(Api):
    """flask-smorest's Api without its JSON error handlers: ``civic.errors`` answers every error,
    in problem+json for the API and as an HTML page for the site."""

    def _register_error_handlers(self):
        pass


class CivicBabel(Babel):
    """Flask-Babel whose messages get Korean particles that agree (``civic.i18n.ParticleDomain``)."""

    @cached_property
    def domain_instance(self):
        from civic.i18n import ParticleDomain

        return ParticleDomain(domain=self.domain)


db = SQLAlchemy(model_class=Base)

if TYPE_CHECKING:
    from typing import ClassVar

    from flask_sqlalchemy.model import Model as _FSAModel
    from sqlalchemy import Table

    class Model(_FSAModel, Base):
        """What ``db.Model`` is at run time (Base plus Flask-SQLAlchemy's mixins), as a name mypy
        accepts as a base class: it can't follow a class through an instance attribute."""

        __abstract__ = True
        __table__: ClassVar[Table]      # every model names a __tablename__, so it maps a Table
else:
    Model = db.Model

migrate = Migrate()
babel = CivicBabel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
api = CivicApi()

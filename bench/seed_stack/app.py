"""The seed stack: the board endpoint as /work/shared/seed/DATABASE.md builds it.

FastAPI + SQLAlchemy 2.0 async ORM (asyncpg) + pydantic response models, served by uvicorn:
an `AsyncSession` per request from a `get_db()` dependency, the seed's `get_active_props` query
(`select(PropMarket).where(and_(week, league, is_active)).order_by(player_name)`) with the page
limit, ORM objects validated into pydantic models `from_attributes`.

Run: DATABASE_URL=postgresql+asyncpg://… uvicorn --app-dir bench/seed_stack app:app
"""

import os
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, FastAPI
from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, String, Uuid, and_, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

PAGE_SIZE = 100


class Base(DeclarativeBase):
    pass


class PropMarket(Base):
    __tablename__ = "prop_markets"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    snapshot_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    sport: Mapped[str] = mapped_column(String(20))
    week: Mapped[int] = mapped_column(Integer, index=True)
    league: Mapped[str] = mapped_column(String(10), index=True)
    season: Mapped[int | None] = mapped_column(Integer)
    player_id: Mapped[str] = mapped_column(String(100))
    player_name: Mapped[str] = mapped_column(String(255), index=True)
    position: Mapped[str] = mapped_column(String(20))
    team: Mapped[str] = mapped_column(String(50))
    opponent: Mapped[str] = mapped_column(String(50))
    market_type: Mapped[str] = mapped_column(String(100), index=True)
    stat_category: Mapped[str] = mapped_column(String(50))
    line: Mapped[float] = mapped_column(Float)
    odds: Mapped[float | None] = mapped_column(Float)
    platform: Mapped[str] = mapped_column(String(50), index=True)
    external_id: Mapped[str | None] = mapped_column(String(255))
    game_id: Mapped[str] = mapped_column(String(100))
    game_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    is_active: Mapped[bool] = mapped_column(Boolean, index=True)
    extra_metadata: Mapped[dict] = mapped_column(JSON().with_variant(JSONB, "postgresql"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PropMarketOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    snapshot_id: uuid.UUID | None
    sport: str
    week: int
    league: str
    season: int | None
    player_id: str
    player_name: str
    position: str
    team: str
    opponent: str
    market_type: str
    stat_category: str
    line: float
    odds: float | None
    platform: str
    external_id: str | None
    game_id: str
    game_date: datetime | None
    is_active: bool
    extra_metadata: dict
    created_at: datetime
    updated_at: datetime


class PropMarketPage(BaseModel):
    results: list[PropMarketOut]


engine = create_async_engine(
    os.environ["DATABASE_URL"], pool_size=10, max_overflow=20, pool_pre_ping=True
)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)
app = FastAPI()


async def get_db() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as session:
        yield session


@app.get("/api/v1/prop-markets", response_model=PropMarketPage)
async def list_prop_markets(
    league: str, week: int, db: Annotated[AsyncSession, Depends(get_db)], is_active: bool = True
):
    result = await db.execute(
        select(PropMarket)
        .where(
            and_(
                PropMarket.week == week,
                PropMarket.league == league,
                PropMarket.is_active == is_active,
            )
        )
        .order_by(PropMarket.player_name, PropMarket.id)
        .limit(PAGE_SIZE)
    )
    return {"results": result.scalars().all()}
